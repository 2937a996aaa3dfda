"""Every view on word lists of every shape (unicode, tiny, two words, without q, x or z), worked with the list's own
words; and choices a new list cannot honour fall back to the defaults."""

import pytest

from bigram_core import parse_text
from bigram_core.lesson import CHAPTERS
from tests.apptest import assert_clean, messages, open_page, run_until_done
from ui.pages import NAMES as PAGES

LISTS = {
    "unicode": "zoë\nrenée\njosé\nøyvind\nåsa\nçelik\nnuño\nmaría\n",
    "tiny": "anna\nbob\ncy\n",
    "two words": "ab\nba\n",
    "no q, x or z": "emma\nolivia\nava\nisabella\nsophia\nmia\ncharlotte\namelia\nevelyn\nabigail\nharper\nemily\n",
}


def words_of(name: str):
    return parse_text(LISTS[name], f"{name}.txt")


def use_the_list(at, page: str, words) -> None:
    """Work the view with the list's own words and characters, as a student would."""
    first, last_char = words.words[0], words.vocab.itos[-1]
    if page == "dataset":
        at.text_input(key="dataset_word").input(first).run()
        assert at.dataframe[1].value["bigram"].tolist()[0] == "." + first[0]
    elif page == "counts":
        at.pills(key="row").set_value(last_char).run()
        at.segmented_control(key="order").set_value(3).run()
        at.selectbox(key="first").set_value(first[0]).run()
        at.segmented_control(key="colour").set_value("log").run()
        at.toggle(key="no_keepdim").set_value(True).run()
        assert at.get("vega_lite_chart") and at.metric[0].label == "Trigrams counted"
    elif page == "breakdown":
        at.text_input(key="word").input(first).run()
        at.text_input(key="compare").input(", ".join(words.words)).run()
        at.number_input(key="k").set_value(0.0).run()
        at.radio(key="model").set_value("net").run()
        assert not at.error and len(at.dataframe) == 2
    elif page == "training":
        at.text_input(key="word").input(first).run()
        at.number_input(key="steps").set_value(20).run()
        at.button(key="training_start").click().run()
        run_until_done(at)
        assert len(at.session_state["net"].records) == 20
    elif page == "smoothing":
        at.selectbox(key="smoothing_row").set_value(last_char).run()
        at.number_input(key="k").set_value(0.0).run()
    elif page == "generator":
        at.text_input(key="prefix").input(first[0]).run()
        at.radio(key="from").set_value("net").run()
        assert all(name.startswith(first[0]) for name in at.dataframe[0].value["name"])
    elif page == "exercises":
        at.toggle(key="dedupe").set_value(True).run()
    elif page == "lesson":  # every chapter's cell runs on the list's own words
        for n in range(1, len(CHAPTERS) + 1):
            at.selectbox(key="lesson_chapter").set_value(n).run()
            assert_clean(at)
            assert at.metric and all(m.value for m in at.metric), n


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("shape", list(LISTS))
def test_every_view_works_on_every_shape_of_list(page, shape):
    words = words_of(shape)
    at = open_page(page, words)
    assert_clean(at)
    use_the_list(at, page, words)
    assert_clean(at)
    assert not [m for m in messages(at) if "not in the vocabulary" in m and words.words[0] in m]
    if page == "exercises" and shape in ("tiny", "two words"):  # too few words for a dev and a test part
        assert any("a split needs at least 10 words" in m for m in messages(at))


def test_choices_a_new_list_cannot_honour_fall_back():
    """'q' picked on the bundled list, then a list without 'q': the pickers go back to their defaults."""
    at = open_page("counts")
    at.pills(key="row").set_value("q").run()
    at.segmented_control(key="order").set_value(3).run()
    at.selectbox(key="first").set_value("q").run()
    at.switch_page("views/smoothing.py").run()
    at.selectbox(key="smoothing_row").set_value("q").run()
    at.sidebar.file_uploader[0].set_value(("no_q.txt", LISTS["no q, x or z"].encode(), "text/plain")).run()
    assert_clean(at)
    assert "q" not in at.session_state["words"].vocab.stoi and at.selectbox(key="smoothing_row").value != "q"
    at.switch_page("views/counts.py").run()
    assert_clean(at)
    assert at.pills(key="row").value != "q" and at.selectbox(key="first").value != "q"
