"""Word lists kept for links: found by digest, a use keeps them, old or surplus ones go, least recent first."""

import pytest

from bigram_core import parse_text
from tests.apptest import assert_clean, open_page
from ui import list_store


@pytest.fixture(autouse=True)
def empty_store():
    list_store.clear()
    yield
    list_store.clear()


def words(n: int, letter: str = "a"):
    return parse_text("\n".join(letter * (i % 7 + 2) + str(i) for i in range(n)), f"{n}{letter}.txt")


def test_kept_found_and_expired():
    w = words(10)
    assert list_store.keep(w, now=0)
    assert list_store.find(w.digest, now=list_store.KEEP_SECONDS - 1) is w  # a use: the clock starts again
    assert list_store.find(w.digest, now=2 * list_store.KEEP_SECONDS - 2) is w
    assert list_store.find(w.digest, now=3 * list_store.KEEP_SECONDS) is None


def test_the_least_recently_used_goes_first(monkeypatch):
    a, b, c = words(100, "a"), words(100, "b"), words(100, "c")
    monkeypatch.setattr(list_store, "KEEP_BYTES", 2 * list_store.footprint(a) + 10)
    list_store.keep(a, now=0)
    list_store.keep(b, now=1)
    list_store.find(a.digest, now=2)  # a is now the more recent
    list_store.keep(c, now=3)
    assert list_store.find(b.digest, now=4) is None
    assert list_store.find(a.digest, now=4) is a and list_store.find(c.digest, now=4) is c


def test_a_list_larger_than_the_store_is_not_kept(monkeypatch):
    monkeypatch.setattr(list_store, "KEEP_BYTES", 100)
    assert not list_store.keep(words(50))


def test_a_link_opens_a_kept_list_and_an_expired_one_says_so():
    mine = words(30)
    list_store.keep(mine)
    at = open_page("dataset", list=mine.digest)
    assert_clean(at)
    assert at.session_state["words"] is mine and at.query_params["list"] == mine.digest
    gone = open_page("dataset", list="0123456789abcdef")
    assert "no longer on this server" in gone.sidebar.error[0].value
    assert gone.session_state["words"].name == "SSA 2017 names (bundled)" and "list" not in gone.query_params
