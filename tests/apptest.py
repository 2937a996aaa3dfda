"""AppTest helpers: open a view (optionally on a given word list), and read what it shows."""

from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from bigram_core import WordList

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 60


def open_page(page: str = "dataset", words: WordList | None = None, **query: str) -> AppTest:
    """Open views/<page>.py as a link to it would, with `query` in the URL and (optionally) `words` loaded."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if words is not None:
        at.session_state["words"] = words
    at.query_params.update(query)
    if page != "dataset":  # a view's url_path is its file's name, which AppTest finds before the first run
        at.switch_page(f"views/{page}.py")
    return at.run()


def assert_clean(at: AppTest) -> None:
    """No exception reached the page."""
    assert not at.exception, [e.message for e in at.exception]


def metrics(at: AppTest) -> dict[str, str]:
    """Each metric's label -> value (the last, when two share a label)."""
    return {m.label: m.value for m in at.metric}


def messages(at: AppTest) -> list[str]:
    """Everything the page says in a box: errors, warnings and notes."""
    return [e.value for e in (*at.error, *at.warning, *at.info)]


def shown(table) -> pd.DataFrame:
    """A styled st.dataframe as the reader sees it: every cell as its displayed text."""
    return pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()


def running(at: AppTest) -> bool:
    """A live training run is in progress."""
    return at.session_state.get("training_run") is not None


def run_until_done(at: AppTest, limit: int = 200) -> AppTest:
    """Rerun the page, as the browser's timer would, until the run in progress ends."""
    for _ in range(limit):
        if not running(at):
            return at
        at.run()
        assert_clean(at)
    raise AssertionError(f"still running after {limit} reruns")


def drawn(at: AppTest, key: str) -> bool:
    """The page drew an element with this key (a teacher link's ?hide= draws none for a hidden control)."""
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


def kept_after_a_rerun(at: AppTest, query: dict[str, str]) -> bool:
    """Every parameter of `query` is still in the address, as given, after the page runs again."""
    at.run()
    return {key: at.query_params.get(key) for key in query} == query
