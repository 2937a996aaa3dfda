"""The frame: every view renders with no exception; the shared sidebar loads word lists and keeps them."""

import pytest

from tests.apptest import assert_clean, open_page
from ui.pages import NAMES

pytestmark = pytest.mark.apptest

PAGES = NAMES


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page):
    at = open_page(page)
    assert_clean(at)
    assert at.title


def test_sidebar_shows_the_list_and_seed():
    at = open_page()
    assert "SSA 2017 names (bundled)" in at.sidebar.markdown[1].value and "32,469 words" in at.sidebar.markdown[1].value
    assert at.sidebar.number_input(key="seed").value == 2147483647


def test_bad_load_keeps_the_loaded_list(lecture):
    at = open_page("dataset", lecture)
    at.sidebar.button[0].click().run()  # Fetch: no network here, or not allowed: either way an error
    assert_clean(at)
    assert at.sidebar.error and at.sidebar.error[0].value.startswith("Could not fetch")
    assert at.session_state["words"].words == lecture.words
