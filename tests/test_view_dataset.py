"""The dataset view (/): the list's figures, its charts, and one word turned into the lecture's xs and ys."""

import json
from collections import Counter

import pytest

from bigram_core import parse_text
from tests.apptest import assert_clean, open_page

pytestmark = pytest.mark.apptest


def metrics(at) -> dict[str, tuple[str, str]]:
    """Each metric's label -> (value, grey note)."""
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def chart(at, key: str) -> dict:
    """The plotly figure (as JSON) of the chart drawn with `key`."""
    return json.loads(at.get_by_key(key).proto.spec)


def examples(at):
    """The bigram-examples table: a DataFrame with bigram, xs, ys and count columns."""
    return at.dataframe[1].value


def test_lecture_figures(lecture):
    at = open_page("dataset", lecture)
    assert_clean(at)
    m = metrics(at)
    assert m["Words"][0] == "32,033" and m["Unique words"][0] == "29,494"
    assert m["Repeated words"] == ("2,539", "2,539 extra copies")
    assert m["Most repeated"] == ("emma ×2", "and 2,538 more ×2")
    assert m["Shortest"] == ("2 characters", "an") and m["Longest"] == ("15 characters", "muhammadibrahim")
    assert m["Vocabulary V"][0] == "27" and m["Bigrams"][0] == "228,146"
    assert at.dataframe[0].value["word"].tolist() == list(lecture.words[:10])


def test_charts_agree_with_counting_by_hand(lecture):
    at = open_page("dataset", lecture)
    lengths = chart(at, "lengths")["data"][0]
    assert dict(zip(map(int, lengths["x"]), lengths["y"])) == Counter(map(len, lecture.words))
    chars = chart(at, "characters")["data"][0]
    assert dict(zip(chars["x"], chars["y"])) == Counter("".join(lecture.words))  # from N's row sums in the view
    assert chars["x"][:3] == ["a", "e", "n"] and chars["y"] == sorted(chars["y"], reverse=True)


def test_emma_gives_the_lectures_examples(lecture):
    at = open_page("dataset", lecture)
    assert at.text_input(key="dataset_word").value == "emma"
    table = examples(at)
    assert table["bigram"].tolist() == [".e", "em", "mm", "ma", "a."]
    assert table["xs (input)"].tolist() == [0, 5, 13, 13, 1] and table["ys (label)"].tolist() == [5, 13, 13, 1, 0]
    s = lecture.vocab.stoi
    assert table["times in the list"].tolist() == [int(lecture.counts[s[a], s[b]]) for a, b in table["bigram"]]
    assert at.code[0].value == "xs = tensor([ 0,  5, 13, 13,  1])\nys = tensor([ 5, 13, 13,  1,  0])"


def test_typing_a_word(lecture):
    at = open_page("dataset", lecture)
    at.text_input(key="dataset_word").input("  andrej ").run()  # surrounding spaces are not characters of it
    assert_clean(at)
    assert examples(at)["bigram"].tolist() == [".a", "an", "nd", "dr", "re", "ej", "j."]
    assert "'andrej' has 6 characters, so it contributes 7 examples." in [c.value for c in at.caption]


def test_the_word_links_to_its_breakdown_and_survives_a_page_switch(lecture):
    at = open_page("dataset", lecture)
    at.text_input(key="dataset_word").input("andrej").run()
    link = at.get("page_link")[0].proto
    assert (link.page, link.query_string) == ("breakdown", "word=andrej")
    at.switch_page("views/counts.py").run()
    at.switch_page("views/dataset.py").run()
    assert at.text_input(key="dataset_word").value == "andrej" and len(examples(at)) == 7


def test_word_outside_the_vocabulary_gets_one_sentence(lecture):
    at = open_page("dataset", lecture)
    at.text_input(key="dataset_word").input("Emma").run()
    assert_clean(at)
    assert len(at.error) == 1 and "'E' at position 1, which is not in the vocabulary" in at.error[0].value
    assert len(at.dataframe) == 1 and len(at.metric) == 8  # only the examples table is gone
    at.text_input(key="dataset_word").input("em.ma").run()
    assert "'.' at position 3" in at.error[0].value
    at.text_input(key="dataset_word").input("   ").run()
    assert not at.error and at.info[0].value.startswith("Type a word")
    assert at.session_state["words"].words == lecture.words  # nothing the user loaded is lost


def test_bundled_list():
    at = open_page("dataset")
    assert_clean(at)
    m = metrics(at)
    assert m["Words"][0] == "32,469" and m["Unique words"][0] == "29,910" and m["Vocabulary V"][0] == "27"
    assert at.dataframe[0].value["word"].tolist()[:3] == ["emma", "olivia", "ava"]
    assert examples(at)["xs (input)"].tolist() == [0, 5, 13, 13, 1]


def test_unicode_list_without_repeats():
    words = parse_text("zoë\nrenée\njosé\n")
    at = open_page("dataset", words)
    assert_clean(at)
    m = metrics(at)
    assert m["Most repeated"] == ("—", "no word repeats") and m["Vocabulary V"][0] == "10"  # . e j n o r s z é ë
    at.text_input(key="dataset_word").input("zoë").run()
    v = words.vocab
    assert examples(at)["xs (input)"].tolist() == [0, v.stoi["z"], v.stoi["o"], v.stoi["ë"]]


# --- the address: ?dataset_word= round-trips, a bad value gets a note, a teacher link hides the input ---------


def test_the_word_comes_from_the_url_and_stays_there(lecture):
    at = open_page("dataset", lecture, dataset_word="andrej", colour="red")
    assert_clean(at)
    assert at.text_input(key="dataset_word").value == "andrej" and len(examples(at)) == 7
    at.run()
    assert at.query_params == {"dataset_word": "andrej"}  # an unknown parameter is dropped
    assert set(at.session_state["url_controls"]) == {"seed", "dataset_word"}  # what a teacher link can hide
    assert at.text_input(key="dataset_word").value == "andrej"


def test_a_word_too_long_for_the_input_is_cut_with_a_note(lecture):
    at = open_page("dataset", lecture, dataset_word="a" * 100)
    assert_clean(at)
    assert at.warning[0].value == r"The dataset\_word in the address was cut to its first 60 characters."
    assert at.text_input(key="dataset_word").value == at.query_params["dataset_word"] == "a" * 60


def test_a_teacher_link_hides_the_input_and_keeps_its_word(lecture):
    at = open_page("dataset", lecture, dataset_word="andrej", hide="dataset_word")
    assert_clean(at)
    assert not [t for t in at.text_input if t.key == "dataset_word"]
    assert examples(at)["bigram"].tolist() == [".a", "an", "nd", "dr", "re", "ej", "j."]
    at.run()
    assert at.query_params["dataset_word"] == "andrej" and len(examples(at)) == 7
