"""The Breakdown view: URL parameters, the lecture's numbers, infinite losses as ∞, comparing words, bad input."""

import json
import math
import re

import pytest

from bigram_core import breakdown, fit, probabilities, probs
from tests.apptest import assert_clean, metrics, open_page, shown

pytestmark = pytest.mark.apptest


def tinted_rows(table) -> set[int]:
    """The rows of a styled st.dataframe that the view gave a background."""
    return {int(row) for row in re.findall(r"_row(\d+)_col0\b", table.proto.arrow_data.styler.styles)}


def test_defaults_on_the_lecture_list(lecture, lecture_N):
    at = open_page("breakdown", lecture)
    assert_clean(at)
    assert at.text_input(key="word").value == "andrej" and at.number_input(key="k").value == 1
    expected = breakdown("andrej", probabilities(lecture_N, 1), lecture_N, lecture.vocab)
    assert metrics(at)["Mean NLL (the loss)"] == f"{expected.nll:.4f}" == "3.0368"  # the lecture's "about 3.04"
    assert metrics(at)["Log-likelihood"] == f"{expected.log_likelihood:.4f}"
    table = shown(at.dataframe[0])
    assert table["bigram"].tolist() == [".a", "an", "nd", "dr", "re", "ej", "j."]
    assert table["count"].tolist() == ["4,410", "5,438", "704", "424", "1,697", "55", "71"]
    assert table["NLL"].tolist() == [f"{r.nll:.4f}" for r in expected.bigrams]
    assert not tinted_rows(at.dataframe[0]) and not at.error


def test_word_query_parameter_prefills_the_word(lecture):
    at = open_page("breakdown", lecture, word="emma")
    assert at.text_input(key="word").value == "emma"
    assert shown(at.dataframe[0])["bigram"].tolist() == [".e", "em", "mm", "ma", "a."]


def test_andrejq_is_infinite_without_smoothing_and_finite_with_it(lecture):
    at = open_page("breakdown", lecture, word="andrejq", k="0")
    assert_clean(at)
    assert metrics(at)["Mean NLL (the loss)"] == "∞" and metrics(at)["Log-likelihood"] == "−∞"
    assert metrics(at)["P(word)"] == "0"
    assert [e.value for e in at.error] == [
        "'jq' never occurs in the data, so P = 0 and −log 0 = ∞; smoothing (k > 0) fixes it."
    ]
    table = shown(at.dataframe[0])
    jq = table["bigram"].tolist().index("jq")
    assert table.loc[jq].tolist() == ["jq", "0", "0", "−∞", "∞"]
    assert tinted_rows(at.dataframe[0]) == {jq}
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert chart["text"][jq] == "∞" and chart["marker"]["color"][jq] != chart["marker"]["color"][0]
    everything_shown = " ".join([*table.to_numpy().ravel(), *(m.value for m in at.metric), *chart["text"]])
    assert "inf" not in everything_shown and "nan" not in everything_shown

    at.number_input(key="k").set_value(1.0).run()
    assert_clean(at)
    assert math.isfinite(float(metrics(at)["Mean NLL (the loss)"])) and not at.error
    assert tinted_rows(at.dataframe[0]) == {jq}  # still a bigram the data never has, now with P > 0
    assert float(shown(at.dataframe[0]).loc[jq, "P"]) > 0


@pytest.mark.parametrize(
    "word, message",
    [
        ("Zoe", "'Zoe' has 'Z' at position 1, which is not in the vocabulary"),
        ("an.drej", "'an.drej' has '.' at position 3"),
    ],
)
def test_a_word_it_cannot_score_gets_one_sentence(lecture, word, message):
    at = open_page("breakdown", lecture, word=word)
    assert_clean(at)
    assert len(at.error) == 1 and at.error[0].value.startswith(message)
    assert not [m for m in at.metric if m.label == "Mean NLL (the loss)"]
    assert shown(at.dataframe[0])["word"].tolist()  # the comparison below still works


def test_a_long_word_is_unlikely_not_impossible(lecture, lecture_N):
    word = "a" * 400  # its probability underflows a float to 0
    at = open_page("breakdown", lecture, word=word)
    assert_clean(at)
    log10_p = breakdown(word, probabilities(lecture_N, 1), lecture_N, lecture.vocab).log_likelihood / math.log(10)
    exponent = math.floor(log10_p)
    assert metrics(at)["P(word)"] == f"{10 ** (log10_p - exponent):.2f}e{exponent}" and not at.error


def test_an_empty_word_asks_for_one(lecture):
    at = open_page("breakdown", lecture, word="andrej")
    at.text_input(key="word").input("   ").run()
    assert_clean(at)
    assert [w.value for w in at.warning] == ["Type a word to see how the model scores it."]


def test_a_bad_k_in_the_url_is_snapped_or_falls_back(lecture):
    for bad, k in (("-1", 0), ("abc", 1)):
        at = open_page("breakdown", lecture, k=bad)
        assert_clean(at)
        assert at.number_input(key="k").value == k and at.warning[0].value.startswith(f"?k={bad} is")


def test_the_trained_net(lecture, lecture_N):
    at = open_page("breakdown", lecture, word="andrej", model="net")
    assert_clean(at)
    assert at.number_input(key="k").disabled
    assert "the net after the lecture's 100 steps" in at.caption[0].value
    W = fit(lecture_N, steps=100, lr=50, reg=0.01, seed=2147483647)[0]
    expected = breakdown("andrej", probs(W), lecture_N, lecture.vocab)
    assert metrics(at)["Mean NLL (the loss)"] == f"{expected.nll:.4f}"
    at.radio(key="model").set_value("counts").run()
    assert metrics(at)["Mean NLL (the loss)"] == "3.0368"


def test_compare_words(lecture, lecture_N):
    at = open_page("breakdown", lecture, k="0", compare="emma, andrejq,Zoe, , emma")
    assert_clean(at)
    table = at.dataframe[1]
    P = probabilities(lecture_N, 0)
    emma = breakdown("emma", P, lecture_N, lecture.vocab)
    rows = shown(table)
    assert rows["word"].tolist() == ["emma", "andrejq"]  # in order, once each; Zoe skipped
    assert rows.loc[0].tolist() == [
        "emma",
        f"{emma.log_likelihood:.4f}",
        f"{emma.nll:.4f}",
        "mm",
        f"{max(r.nll for r in emma.bigrams):.4f}",
    ]
    assert rows.loc[1].tolist() == ["andrejq", "−∞", "∞", "jq", "∞"]
    assert tinted_rows(table) == {1}
    assert len(at.warning) == 1 and "'Zoe' has 'Z' at position 1" in at.warning[0].value
    chart = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert chart["layout"]["xaxis"]["ticktext"] == ["emma", "andrejq"] and chart["data"][0]["text"][1] == "∞"

    at.text_input(key="compare").input(" , ").run()
    assert_clean(at)
    assert [i.value for i in at.info] == ["Type a few words, separated by commas."]


def test_the_word_survives_a_page_switch(lecture):
    at = open_page("breakdown", lecture)
    at.text_input(key="word").input("emma").run()
    at.switch_page("views/dataset.py").run()
    at.switch_page("views/breakdown.py").run()
    assert at.text_input(key="word").value == "emma"


# --- the address: every control round-trips, bad values get a note, hidden controls still apply ----------------


def test_every_control_comes_from_the_url_and_stays_there(lecture):
    query = {"word": "emma", "model": "net", "k": "3", "compare": "ava, zoe"}
    at = open_page("breakdown", lecture, **query, colour="red")
    assert_clean(at)
    assert at.text_input(key="word").value == "emma" and at.radio(key="model").value == "net"
    assert at.number_input(key="k").value == 3 and at.text_input(key="compare").value == "ava, zoe"
    assert shown(at.dataframe[0])["bigram"].tolist() == [".e", "em", "mm", "ma", "a."]
    assert shown(at.dataframe[1])["word"].tolist() == ["ava", "zoe"]
    assert "softmax(W)" in at.caption[0].value
    at.run()
    assert at.query_params == query  # and the unknown colour is dropped
    assert set(at.session_state["url_controls"]) == {"seed", *query}  # what a teacher link can hide
    at.radio(key="model").set_value("counts").run()
    assert at.caption[0].value.startswith("Model: P = (N + 3) / row sums")


def test_bad_values_in_the_url_get_a_note(lecture):
    at = open_page("breakdown", lecture, model="foo", word="ab" * 600)
    assert_clean(at)
    notes = [w.value for w in at.warning]
    assert "?model=foo is not one of counts, net, so model is counts." in notes
    assert "The word in the address was cut to its first 1,000 characters." in notes
    assert at.radio(key="model").value == "counts" and len(at.text_input(key="word").value) == 1000
    at = open_page("breakdown", lecture, model="NET")  # a hand-typed link: its case does not matter
    assert at.radio(key="model").value == "net" and not at.warning and at.query_params["model"] == "net"


def test_a_snapped_k_is_shown_in_the_address_at_once(lecture):
    at = open_page("breakdown", lecture, k="1e300")
    assert at.warning[0].value == "?k=1e300 is outside 0 to 1e+09, so k is 1e+09."
    assert at.number_input(key="k").value == 1e9 and at.query_params["k"] == "1000000000"
    at.run()
    assert at.query_params["k"] == "1000000000" and at.caption[0].value.startswith("Model: P = (N + 1e+09)")


def test_a_hidden_control_is_not_drawn_but_applies(lecture):
    at = open_page("breakdown", lecture, model="net", word="emma", hide="model,word")
    assert_clean(at)
    assert not at.radio and not [t for t in at.text_input if t.key == "word"]
    assert "softmax(W)" in at.caption[0].value and at.number_input(key="k").disabled
    assert shown(at.dataframe[0])["bigram"].tolist() == [".e", "em", "mm", "ma", "a."]
    at.run()
    assert at.query_params["model"] == "net" and at.query_params["word"] == "emma"


def arrive(at, page: str):
    """Follow the navigation to views/<page>.py: the browser drops the address's parameters on the way."""
    at.query_params.clear()
    return at.switch_page(f"views/{page}.py").run()


@pytest.mark.parametrize("first", ["smoothing", "dataset", "training"])
def test_a_k_from_a_link_to_another_view_is_the_apps_k(lecture, first):
    at = open_page(first, lecture, k="3")
    arrive(at, "breakdown")
    assert at.number_input(key="k").value == 3 and at.caption[0].value.startswith("Model: P = (N + 3)")
    assert at.query_params["k"] == "3"  # at once, so a link copied now says k = 3
    at.number_input(key="k").set_value(5.0).run()
    arrive(at, "smoothing")
    assert at.number_input(key="k").value == 5 and at.query_params["k"] == "5"
    arrive(at, "breakdown")
    assert at.caption[0].value.startswith("Model: P = (N + 5)")


def test_a_word_typed_on_training_follows_but_its_default_does_not(lecture):
    at = open_page("training", lecture)
    arrive(at, "breakdown")
    assert at.text_input(key="word").value == "andrej"  # Training's "emma" is its default, not a choice
    assert "word" not in at.query_params
    arrive(at, "training")
    at.text_input(key="word").input("zoe").run()
    arrive(at, "breakdown")
    assert at.text_input(key="word").value == "zoe" and at.query_params["word"] == "zoe"
