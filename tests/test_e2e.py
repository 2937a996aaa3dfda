"""End to end: the real server on 127.0.0.1, driven in Debian's headless chromium.

Screenshots of every view are saved to artifacts/screenshots/ as test artefacts.
"""

import os
from pathlib import Path

import pytest

from harness.browser import CHROMIUM, chromium, full_shot, metric_value, serve, wait_idle
from tests.conftest import LECTURE_NAMES
from ui import pages

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
VIEWS = [v.url for v in pages.VIEWS]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


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
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


@pytest.mark.parametrize("path", VIEWS)
def test_every_view_opens(page, bundled_app, path):
    page.goto(bundled_app + path)
    wait_idle(page)
    no_exception(page)
    assert page.locator('[data-testid="stSidebar"]').get_by_text("SSA 2017 names (bundled)").count() == 1
    shot(page, "bundled_" + (path.strip("/").split("?")[0] or "dataset"))


def metric_values(page) -> list[str]:
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def test_breakdown_shows_infinite_loss(page, lecture_app):
    page.goto(lecture_app + "/breakdown?word=andrejq&k=0")
    wait_idle(page)
    page.get_by_text("'jq' never occurs in the data").wait_for()
    no_exception(page)
    assert "∞" in metric_values(page)
    assert page.get_by_role("textbox", name="Word", exact=True).input_value() == "andrejq"
    shot(page, "lecture_breakdown_andrejq_k0")


def test_generator_draws_the_lectures_first_name(page, lecture_app):
    page.goto(lecture_app + "/generator")
    wait_idle(page)
    page.get_by_text("it drew 'c'").wait_for()
    no_exception(page)
    with page.expect_download() as download:  # the names table is drawn on a canvas: read the download
        page.get_by_role("button", name="Download the names").click()
    names = Path(download.value.path()).read_text().split()
    assert names[:5] == ["cexze", "momasurailezitynn", "konimittain", "llayn", "ka"]
    shot(page, "lecture_generator")


def test_training_live_100_lecture_steps_then_stop(page, lecture_app):
    """The live mechanism AppTest cannot drive: the fragment's timer in a real browser, and Stop."""
    page.goto(lecture_app + "/training")
    wait_idle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_text("momasurailezityha.").wait_for()  # the names appear once the run has ended
    assert metric_value(page, "Loss") == "2.4901" and metric_value(page, "Step") == "100"
    shot(page, "lecture_training_100_steps")

    box = page.get_by_role("spinbutton", name="Steps", exact=True)
    box.fill("100000")
    box.press("Enter")
    wait_idle(page)
    pace = page.get_by_role("combobox", name="Pace")
    pace.click()
    pace.fill("as fast as possible")
    pace.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
        ".some(v => Number(v.textContent.replace(/,/g, '')) > 300)"
    )  # redraws as it runs
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_role("button", name="Start", exact=True).wait_for(state="visible")
    page.wait_for_timeout(500)
    stopped = metric_value(page, "Step")
    page.wait_for_timeout(1000)
    assert metric_value(page, "Step") == stopped and 100 < int(stopped.replace(",", "")) < 100_000
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "lecture_training_stopped")


def test_training_one_word_backward_and_two_steps(page, lecture_app):
    page.goto(lecture_app + "/training")
    wait_idle(page)
    step = page.get_by_role("button", name="Step", exact=True).first  # section 2 comes before the full-batch Step
    assert metric_value(page, "Loss on “emma” after 0 steps") == "3.7693"
    step.click()
    page.get_by_text("after 1 step", exact=False).wait_for()
    assert metric_value(page, "Loss on “emma” after 1 step") == "3.7492"
    step.click()
    page.get_by_text("3.7693 → 3.7492 → 3.7292").wait_for()
    assert metric_value(page, "Loss on “emma” after 2 steps") == "3.7292"
    no_exception(page)
    shot(page, "lecture_training_word_steps")


def test_lesson_walks_the_lecture_with_next(page, lecture_app):
    """Every chapter in turn from a link to chapter 1, by the Next button and by the → key, each with its number."""
    from bigram_core.lesson import CHAPTERS
    from tests.test_lesson import LECTURE, number

    page.goto(lecture_app + "/lesson?chapter=1")
    for n in range(1, len(CHAPTERS) + 1):
        header = page.locator('[data-testid="stMain"] h1')
        header.filter(has_text=f"{n}. {CHAPTERS[n - 1].title}").wait_for(timeout=60_000)
        assert page.url.endswith(f"/lesson?chapter={n}")
        title = next(t for t in LECTURE if number(t) == n)
        expected = [{"inf": "∞"}.get(v, v) for v in LECTURE[title].values()]
        # the header is drawn before the cell has run: wait for its numbers (a cold cell runs for seconds)
        page.wait_for_function(
            "want => { const shown = [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
            ".map(m => m.innerText.trim()); return shown.length > 0 && want.every(w => shown.includes(w)); }",
            arg=expected,
            timeout=60_000,
        )
        wait_idle(page)
        no_exception(page)
        shot(page, f"lesson_{n:02d}")
        if n == len(CHAPTERS):
            assert page.get_by_role("button", name="Next").is_disabled()
        elif n % 2:
            page.get_by_role("button", name="Next").click()
        else:
            page.locator("body").press("ArrowRight")  # the Next button's keyboard shortcut
    page.locator("body").press("ArrowLeft")
    page.locator('[data-testid="stMain"] h1').filter(has_text=f"{len(CHAPTERS) - 1}. ").wait_for()
