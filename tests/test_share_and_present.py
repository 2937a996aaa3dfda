"""Sharing and presenting: teacher links that hide controls, presenter mode, and metrics read whole on a
small screen. AppTest for what the server decides, chromium for what the screen shows."""

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from harness.browser import CHROMIUM, chromium, serve, wait_idle
from tests.apptest import assert_clean, open_page
from ui import pages


def test_a_hidden_control_is_not_drawn_and_keeps_the_links_value():
    at = open_page("counts", seed="7", hide="seed")
    assert_clean(at)
    assert not [w for w in at.sidebar.number_input if w.key == "seed"]
    assert at.session_state["seed"] == 7
    assert at.query_params["seed"] == "7" and at.query_params["hide"] == "seed"
    assert any("hides 1 control" in c.value for c in at.sidebar.caption)


def test_a_hidden_control_snaps_a_bad_value_with_a_note():
    at = open_page("dataset", seed="-3", hide="seed")
    assert at.session_state["seed"] == 0
    assert any("?seed=-3 is outside" in w.value for w in at.warning)


def test_show_every_control_undoes_a_teacher_link():
    at = open_page("dataset", seed="7", hide="seed")
    next(b for b in at.sidebar.button if b.label == "Show every control").click().run()
    assert "hide" not in at.query_params
    assert next(w for w in at.sidebar.number_input if w.key == "seed").value == 7


def test_presenter_mode_is_bound_to_the_address():
    at = open_page("dataset", present="true")
    assert at.toggle(key="present").value is True and presenter_css(at)
    at.run()
    assert at.query_params["present"] == "true"
    at.toggle(key="present").set_value(False).run()
    assert at.toggle(key="present").value is False and not presenter_css(at)


def presenter_css(at: AppTest) -> bool:
    return any("font-size: 20px" in h.proto.body for h in at.get("html"))


def test_a_bad_presenter_value_gets_a_note():
    at = open_page("dataset", present="maybe")
    assert at.toggle(key="present").value is False
    assert any("?present=maybe is neither true nor false" in w.value for w in at.warning)


def _settings_box():
    import streamlit as st

    from ui import presenter

    with presenter.controls():
        st.number_input("Learning rate", value=50.0)


@pytest.mark.parametrize("present, expanders", [("true", ["Settings"]), ("false", [])])
def test_presenter_mode_tucks_settings_into_a_closed_expander(present, expanders):
    at = AppTest.from_function(_settings_box)
    at.query_params["present"] = present
    at.run()
    assert [e.label for e in at.expander] == expanders
    assert at.number_input[0].label == "Learning rate"


# --- in chromium --------------------------------------------------------------------------------------------


def in_chromium(test):
    skip = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
    return pytest.mark.browser(skip(test))


@pytest.fixture(scope="module")
def app():
    with serve() as (base, _), chromium() as browser:
        yield base, browser


def sidebar_expanded(page) -> bool:
    return page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "false"


@in_chromium
def test_a_teacher_link_built_in_the_sidebar_opens_as_chosen(app):
    base, browser = app
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(base + "/counts?seed=11")
    wait_idle(page)
    assert sidebar_expanded(page)
    page.get_by_role("button", name="Copy link").click()
    popover = page.locator('[data-testid="stPopoverBody"]')
    popover.locator("[data-testid=stMultiSelect] input").click()
    page.get_by_role("option", name="Seed").click()
    page.keyboard.press("Escape")
    link = popover.locator("code").filter(has_text="hide=")  # the teacher's, drawn once a control is chosen
    link.wait_for()
    shared = link.inner_text().strip()
    assert re.fullmatch(re.escape(base) + r"/counts\?seed=11&hide=seed", shared), shared

    student = browser.new_page(viewport={"width": 1400, "height": 900})
    student.goto(shared)
    wait_idle(student)
    assert not sidebar_expanded(student)
    assert student.get_by_label("Seed").count() == 0
    assert student.locator('[data-testid="stSidebar"]').get_by_text("This link hides 1 control.").count() == 1
    page.close()
    student.close()


@in_chromium
@pytest.mark.parametrize("present", ["false", "true"])
@pytest.mark.parametrize("path", [v.url for v in pages.VIEWS])
def test_no_metric_is_cut_at_1024x768(app, path, present):
    """Every metric's label and value fit their box (scrollWidth ≤ clientWidth), with or without the sidebar."""
    base, browser = app
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(base + path + ("&" if "?" in path else "?") + f"present={present}")
    wait_idle(page)
    assert sidebar_expanded(page) == (present == "false")
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            '[data-testid=stMetricValue] p, [data-testid=stMetricLabel] p, [data-testid=stMetricValue] > div'))
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
    )
    assert cut == []
    page.close()


@in_chromium
@pytest.mark.parametrize("size", [(1400, 900), (1280, 720), (1024, 768), (853, 480)])  # 853×480: 1280×720 at 150 %
def test_the_count_heatmap_fits_the_screen(app, size):
    """The 27×27 grid is drawn no taller than the window, filling its box; hover keeps every number."""
    base, browser = app
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(base + "/counts?present=true")
    wait_idle(page)
    box = page.locator('[class*="st-key-fit_heatmap"]')
    box.scroll_into_view_if_needed()
    chart = box.locator("canvas").first
    page.wait_for_function("(c) => c.getBoundingClientRect().height > 100", arg=chart.element_handle())
    drawn = {"box": box.bounding_box()["height"], "chart": chart.bounding_box()["height"]}
    assert drawn["box"] <= height - 60 and abs(drawn["chart"] - drawn["box"]) < 30, drawn
    page.close()
