"""End to end: the real server on 127.0.0.1, driven in Debian's headless chromium.

Screenshots of every view are saved to artifacts/screenshots/ as test artefacts.
"""
import os
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, chromium, full_shot, serve, wait_idle
from tests.conftest import LECTURE_NAMES

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
VIEWS = ["/", "/counts", "/breakdown?word=andrej", "/training", "/smoothing", "/generator", "/exercises"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def bundled_app():
    with serve() as (base, _):
        yield base


@pytest.fixture(scope="module")
def lecture_app():
    if not LECTURE_NAMES.exists():
        pytest.skip("../shared/names.txt (the lecture's word list) is not here")
    with serve("--data", str(LECTURE_NAMES)) as (base, _):
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    full_shot(page, SHOTS / f"{name}.png")


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()


@pytest.mark.parametrize("path", VIEWS)
def test_every_view_opens(page, bundled_app, path):
    page.goto(bundled_app + path)
    wait_idle(page)
    no_exception(page)
    assert page.locator('[data-testid="stSidebar"]').get_by_text("SSA 2017 names (bundled)").count() == 1
    shot(page, "bundled_" + (path.strip("/").split("?")[0] or "dataset"))
