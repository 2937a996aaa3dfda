"""Bad input typed, stepped or put in the address, view by view: one sentence says what is wrong, no exception
reaches the page, and a number outside a widget's range never reaches the view."""

import pytest

from tests.apptest import assert_clean, messages, open_page


def type_into(key: str, text: str):
    return lambda at: at.text_input(key=key).input(text)


def set_number(key: str, value):
    return lambda at: at.number_input(key=key).set_value(value)


def step_at(lr=None, reg=None):
    def act(at):
        if lr is not None:
            at.number_input(key="lr").set_value(lr).run()
        if reg is not None:
            at.number_input(key="lambda").set_value(reg).run()
        return at.button(key="training_step").click()

    return act


BAD = [  # page, query, action, the sentence (a fragment of it) the page shows
    ("dataset", {}, type_into("dataset_word", "zoQ"), "'zoQ' has 'Q' at position 3, which is not in the vocabulary"),
    ("dataset", {}, type_into("dataset_word", "em.ma"), "'em.ma' has '.' at position 3"),
    ("dataset", {}, type_into("dataset_word", "  "), "Type a word to see the bigrams it contributes."),
    ("breakdown", {}, type_into("word", "andrejQ"), "'andrejQ' has 'Q' at position 7"),
    ("breakdown", {}, type_into("word", "a.b"), "'a.b' has '.' at position 2"),
    ("breakdown", {"word": "ab" * 800}, None, "The word in the address was cut to its first 1,000 characters."),
    (
        "breakdown",
        {},
        type_into("compare", ",".join(f"emma{'a' * i}" for i in range(25))),
        "Comparing the first 20 of the 25 words.",
    ),
    ("breakdown", {}, type_into("compare", "emma, " + "a" * 70), "'aaaaaaaaaaaa'… is longer than 60 characters."),
    ("training", {}, type_into("word", "Émile"), "'Émile' has 'É' at position 1"),
    ("training", {}, step_at(lr=0.0), "The learning rate must be a number > 0; got 0.0."),
    ("training", {}, step_at(lr=1e30), "Training diverged at step 1"),
    ("training", {}, step_at(reg=1e38), "Training diverged at step"),
    ("generator", {}, set_number("temperature", 0.0), "Temperature must be a number > 0; got 0.0."),
    ("generator", {}, set_number("n", 0), "Choose at least one name to draw."),
    ("generator", {"n": "1000000000"}, None, "?n=1000000000 is outside 0 to 1000, so n is 1000."),
    ("generator", {"max_len": "1000000000"}, None, "?max\\_len=1000000000 is outside 1 to 100, so max\\_len is 100."),
    ("generator", {}, type_into("prefix", "Q"), "'Q' has 'Q' at position 1, which is not in the vocabulary"),
    ("generator", {}, type_into("prefix", "a.b"), "'a.b' has '.' at position 2"),
]


@pytest.mark.parametrize("page, query, act, message", BAD, ids=[f"{b[0]}-{b[3][:40]}" for b in BAD])
def test_bad_input_gets_one_sentence(page, query, act, message):
    at = open_page(page, **query)
    if act is not None:
        act(at).run()
    assert_clean(at)
    assert [m for m in messages(at) if message in m], messages(at)


# A number outside a widget's range: the browser says "Number is outside the allowed range. Please enter a
# value between …" and keeps the old value. Should one arrive anyway (a hand-made message), the server
# refuses it too and the widget falls back to its default (its minimum when the view sets no default).
REFUSED = [
    ("counts", "k", -1.0),
    ("counts", "k", 2e9),
    ("breakdown", "k", -1.0),
    ("generator", "k", -1.0),
    ("generator", "n", -3),
    ("generator", "max_len", 0),
    ("training", "lambda", -0.5),
    ("training", "lr", -1.0),
    ("training", "steps", 0),
    ("training", "steps", 10**9),
    ("training", "steps", -5),
]


@pytest.mark.parametrize("page, key, value", REFUSED)
def test_out_of_range_numbers_never_reach_the_view(page, key, value):
    at = open_page(page)
    widget = at.number_input(key=key)
    widget.set_value(value).run()
    assert_clean(at)
    widget = at.number_input(key=key)
    assert widget.value != value and widget.min <= widget.value <= (widget.max or float("inf"))


@pytest.mark.parametrize("query, k", [({"k": "-1", "reg": "-1"}, 0.0), ({"k": "1e400", "reg": "abc"}, 1e9)])
def test_bad_settings_in_the_address_are_snapped_or_fall_back(query, k):
    at = open_page("smoothing", **query)
    assert_clean(at)
    assert at.number_input(key="k").value == k and at.select_slider(key="reg").value == 0.01
    assert any(f"?k={query['k']} is outside 0 to 1e+09, so k is {k:g}." in w.value for w in at.warning)


def test_a_long_word_is_cut_to_the_inputs_limit():
    at = open_page("training")
    at.text_input(key="word").input("a" * 500).run()
    assert_clean(at)
    assert len(at.text_input(key="word").value) <= 60
