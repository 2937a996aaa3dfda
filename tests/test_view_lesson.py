"""The Lesson view: every chapter renders the numbers its cell printed; Previous, Next, the list and the URL."""

import pytest

from bigram_core.lesson import CHAPTERS, run
from tests.apptest import assert_clean, drawn, kept_after_a_rerun, open_page
from tests.test_lesson import LECTURE, number
from ui.format import md

pytestmark = pytest.mark.apptest

LAST = len(CHAPTERS)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("title", list(LECTURE))
def test_every_chapter_shows_its_code_and_the_lectures_numbers(lecture, title):
    n = number(title)
    at = open_page("lesson", lecture, chapter=str(n))
    assert_clean(at)
    assert at.title[0].value == f"{n}. {CHAPTERS[n - 1].title}"
    result = run(n, lecture.words)  # the same cell, run here: the page shows its code and what it printed
    assert at.code[0].value == result.code and at.code[1].value == result.output.rstrip("\n")
    shown = metrics(at)
    assert shown == {md(label): md({"inf": "∞"}.get(value, value)) for label, value in result.metrics}
    for label, value in LECTURE[title].items():
        assert shown[md(label)] == md({"inf": "∞"}.get(value, value))


def test_next_previous_and_the_list_move_the_url(lecture):
    at = open_page("lesson", lecture)
    assert at.query_params["chapter"] == "1" and at.button(key="lesson_prev").disabled
    assert at.button(key="lesson_next").proto.shortcut == "right"
    assert at.button(key="lesson_prev").proto.shortcut == "left"
    at.button(key="lesson_next").click().run()
    assert at.query_params["chapter"] == "2" and at.title[0].value.startswith("2. ")
    assert at.selectbox(key="lesson_chapter").value == 2
    at.selectbox(key="lesson_chapter").set_value(LAST).run()
    assert_clean(at)
    assert at.query_params["chapter"] == str(LAST) and at.button(key="lesson_next").disabled
    at.button(key="lesson_prev").click().run()
    assert at.query_params["chapter"] == str(LAST - 1) and at.selectbox(key="lesson_chapter").value == LAST - 1


@pytest.mark.parametrize(
    "bad, nearest, why",
    [
        ("99", LAST, f"is outside 1 to {LAST}"),
        ("0", 1, f"is outside 1 to {LAST}"),
        ("-4", 1, f"is outside 1 to {LAST}"),
        ("1e999", LAST, f"is outside 1 to {LAST}"),
        ("abc", 1, "is not a number"),
        ("", 1, "is not a number"),
        ("7.6", 8, "is not a whole number"),
        ("9.4", 9, "is not a whole number"),
    ],
)
def test_a_bad_chapter_in_the_url_snaps_to_the_nearest_with_a_note(bad, nearest, why):
    at = open_page("lesson", chapter=bad)
    assert_clean(at)
    assert at.query_params["chapter"] == str(nearest) and at.title[0].value.startswith(f"{nearest}. ")
    assert [w.value for w in at.warning] == [md(f"?chapter={bad} {why}, so chapter is {nearest}.")]
    at.run()  # the address now names the chapter shown: no note the second time
    assert not at.warning and at.query_params["chapter"] == str(nearest)


def test_a_chapter_written_with_a_leading_zero_needs_no_note():
    at = open_page("lesson", chapter="09")
    assert_clean(at)
    assert at.title[0].value.startswith("9. ") and not at.warning and at.query_params["chapter"] == "9"


def test_the_video_sampler_in_the_lesson(lecture):
    at = open_page("lesson", lecture, chapter=str(number("Sampling names")))
    assert at.button_group(key="sampler").value == "torch" and "multinomial" in at.code[0].value
    at.button_group(key="sampler").set_value("video").run()
    assert_clean(at)
    assert at.code[1].value.split() == ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchshizarie."]
    assert "torch.searchsorted" in at.code[0].value and "inverse CDF" in at.caption[0].value


def test_the_bundled_list_runs_every_chapter():
    for n in range(1, LAST + 1):
        at = open_page("lesson", chapter=str(n))
        assert_clean(at)
        assert at.metric and all(m.value for m in at.metric)
        assert not at.info  # the bundled list is small enough for every cell to run on all of it


def test_a_big_list_says_its_loops_run_on_a_sample():
    from bigram_core import parse_text

    words = parse_text("\n".join(["abcdefgh"] * 40_000), "big.txt")
    at = open_page("lesson", words, chapter=str(number("Counting in a dictionary")))
    assert_clean(at)
    assert "runs on the first 33,333 of the 40,000 words" in at.info[0].value


# --- the address ---------------------------------------------------------------------------------------------


def test_the_chapter_and_the_sampler_round_trip_through_the_url(lecture):
    query = {"chapter": str(number("Sampling names")), "sampler": "video"}
    at = open_page("lesson", lecture, **query)
    assert_clean(at)
    assert at.selectbox(key="lesson_chapter").value == number("Sampling names")
    assert at.button_group(key="sampler").value == "video" and "torch.searchsorted" in at.code[0].value
    assert at.code[1].value.split()[:2] == ["mor.", "axx."]
    assert kept_after_a_rerun(at, query)


def test_a_hidden_chapter_list_is_not_drawn_but_the_url_chapter_shows():
    at = open_page("lesson", chapter="5", hide="chapter")
    assert_clean(at)
    assert not drawn(at, "lesson_chapter") and not drawn(at, "lesson_next")
    assert at.title[0].value.startswith("5. ")


def test_a_bad_sampler_gets_a_note_and_unknown_parameters_are_dropped(lecture):
    at = open_page("lesson", lecture, chapter=str(number("Sampling names")), sampler="numpy", word="emma")
    assert_clean(at)
    assert [w.value for w in at.warning] == ["?sampler=numpy is not one of torch, video, so sampler is torch."]
    assert "word" not in at.query_params and at.button_group(key="sampler").value == "torch"
