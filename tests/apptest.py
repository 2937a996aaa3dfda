"""Open a view of the app in streamlit.testing's AppTest, optionally on a given word list."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bigram_core import WordList

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 60


def open_page(page: str = "dataset", words: WordList | None = None, **query: str) -> AppTest:
    """Run app.py, then views/<page>.py with `query` in the URL and (optionally) `words` loaded."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if words is not None:
        at.session_state["words"] = words
    at.query_params.update(query)
    at.run()
    if page != "dataset":
        at.switch_page(f"views/{page}.py").run()
    return at


def assert_clean(at: AppTest) -> None:
    """No exception reached the page."""
    assert not at.exception, [e.message for e in at.exception]
