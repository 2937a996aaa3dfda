"""In the browser: a path deeper than a view opens the view; a refused upload leaves the uploader open.

The real server on 127.0.0.1 (started as `streamlit run app.py`), driven in Debian's headless chromium.
"""

import os

import pytest

from harness.browser import CHROMIUM, chromium, serve, wait_idle
from ui.routes import redirect_target

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


def test_which_paths_redirect():
    assert redirect_target("/breakdown/andrej", "word=emma") == "/breakdown?word=emma"
    assert redirect_target("/training/x/y") == "/training"
    assert redirect_target("/counts") is None and redirect_target("/") is None
    # Streamlit's own routes, and the browser's probes for the server's base path, pass untouched
    for path in (
        "/_stcore/health",
        "/counts/_stcore/health",
        "/static/js/index.js",
        "/media/abc.png",
        "/component/x/index.html",
        "/app/static/x.png",
        "/breakdown/static/js/index.js",
    ):
        assert redirect_target(path) is None, path


@pytest.fixture(scope="module")
def app():
    with serve() as (base, _), chromium() as browser:
        yield base, browser


@pytest.fixture
def page(app):
    context = app[1].new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    "path, lands_on, title",
    [
        ("/breakdown/andrej?word=emma", "/breakdown?word=emma", "Breakdown"),
        ("/training/x/y", "/training", "Training"),
        ("/counts", "/counts", "Counts"),
        ("/smoothing/x?k=5&reg=0.1", "/smoothing?k=5&reg=0.1", "Smoothing vs regularisation"),
        ("/", "/", "Dataset"),
    ],
)
def test_a_deeper_path_opens_its_view(app, page, path, lands_on, title):
    base, _ = app
    page.goto(base + path)
    wait_idle(page)
    assert page.url == base + lands_on
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == title
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Word list", exact=True).count() == 1  # the router ran


def uploader_open(page) -> bool:
    return page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzone"]').is_visible()


def test_a_refused_upload_keeps_the_uploader_open_with_the_error_inside(app, page, tmp_path):
    base, _ = app
    page.goto(base + "/")
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Load another word list").click()
    page.wait_for_timeout(300)
    assert uploader_open(page)
    for name, data, message in [
        ("empty.txt", b"", "empty.txt has no words"),
        ("latin1.txt", "emma\nrené\n".encode("latin-1"), "latin1.txt is not UTF-8"),
        ("again.txt", b"\n\n", "again.txt has no words"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        sidebar.locator('input[type="file"]').set_input_files(str(path))
        error = sidebar.locator('[data-testid="stExpander"] [data-testid="stAlertContentError"]')
        error.filter(has_text=message).wait_for(timeout=30_000)
        wait_idle(page)
        assert uploader_open(page), f"the uploader closed after {name}"
        assert error.count() == 1
    good = tmp_path / "good.txt"
    good.write_text("anna\nbob\n")
    sidebar.locator('input[type="file"]').set_input_files(str(good))
    sidebar.get_by_text("good.txt").first.wait_for(timeout=30_000)
    page.get_by_text("2 words · 5 characters · 9 bytes").wait_for(timeout=30_000)
    assert uploader_open(page)
