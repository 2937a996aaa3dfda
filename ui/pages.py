"""The views, in the lecture's order: the one list the router, the tests and the benchmarks read."""

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str  # views/<name>.py
    title: str
    icon: str
    url_path: str  # "" is the default view, at /
    example: str = ""  # a query string that shows the view at work, for tests and screenshots

    @property
    def script(self) -> str:
        return f"views/{self.name}.py"

    @property
    def url(self) -> str:
        return "/" + self.url_path + (f"?{self.example}" if self.example else "")


VIEWS = (
    View("dataset", "Dataset", ":material/list:", ""),
    View("lesson", "Lesson", ":material/menu_book:", "lesson", "chapter=9"),
    View("counts", "Counts", ":material/grid_on:", "counts"),
    View("breakdown", "Breakdown", ":material/troubleshoot:", "breakdown", "word=andrej"),
    View("training", "Training", ":material/model_training:", "training"),
    View("smoothing", "Smoothing vs regularisation", ":material/blur_on:", "smoothing"),
    View("generator", "Name generator", ":material/auto_awesome:", "generator"),
    View("exercises", "Exercises", ":material/school:", "exercises"),
)
NAMES = tuple(v.name for v in VIEWS)


def navigation():
    """st.navigation over VIEWS, the first one the default."""
    import streamlit as st

    return st.navigation(
        [
            st.Page(v.script, title=v.title, icon=v.icon, url_path=v.url_path or None, default=not v.url_path)
            for v in VIEWS
        ]
    )
