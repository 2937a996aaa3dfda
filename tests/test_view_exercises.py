"""The /exercises view in AppTest: E01–E05 render with the library's numbers, and the controls move them."""

import pytest

from bigram_core import parse_text
from bigram_core.splits import split
from bigram_core.tuning import tune
from tests.apptest import assert_clean, drawn, kept_after_a_rerun, metrics, open_page
from ui.format import md

pytestmark = pytest.mark.apptest


def values(at, label: str) -> list[str]:
    """The values of every metric labelled `label`, top to bottom."""
    return [m.value for m in at.metric if m.label == label]


def test_renders_the_lectures_answers(lecture):
    at = open_page("exercises", lecture)
    assert_clean(at)
    assert at.title[0].value == "Exercises"
    assert [h.value for h in at.header] == [
        "E01 · A context of n − 1 characters",
        "E02 · Train, dev and test",
        "E03 · Tune the smoothing k and the regularisation λ on dev",
        "E04 · Index rows instead of multiplying by one-hots",
        "E05 · F.cross_entropy instead of the manual softmax",
    ]
    m = metrics(at)
    runs = {n: tune(split(lecture.words), n) for n in (2, 3, 4)}
    assert [m[f"Test NLL, n = {n}"] for n in (2, 3, 4)] == [f"{runs[n].test_nll:.4f}" for n in (2, 3, 4)]
    assert (m["train words"], m["dev words"], m["test words"]) == ("25,626", "3,203", "3,204")
    assert m["Repeats removed"] == "0" and m["Dev/test words in train"] != "0"
    assert m["Chosen on dev"] == "k = 0.1" and m["Its test NLL"] == "2.2240"  # order 3, counts
    assert m["Logits identical"] == "yes, bit for bit"
    manual, ce = values(at, "Manual softmax NLL"), values(at, "F.cross_entropy")
    assert manual[0] == ce[0]  # the net as trained: the same loss
    assert manual[1] in ("nan", "∞") and ce[1] == m["Exact (float64)"]  # scaled to a largest logit of 100


def test_dedupe_and_seed_move_the_split(lecture):
    at = open_page("exercises", lecture)
    at.toggle(key="dedupe").set_value(True).run()
    assert_clean(at)
    m = metrics(at)
    assert (m["train words"], m["dev words"], m["test words"]) == ("23,595", "2,949", "2,950")
    assert m["Repeats removed"] == "2,539" and m["Dev/test words in train"] == "0"
    before = m["Test NLL, n = 3"]
    at.number_input(key="split_seed").set_value(7).run()
    assert_clean(at)
    assert metrics(at)["Test NLL, n = 3"] != before


def test_neural_tuning_and_a_small_logit_scale(lecture):
    at = open_page("exercises", lecture)
    at.radio(key="tune").set_value("net").run()
    at.selectbox(key="tune_order").set_value(2).run()
    assert_clean(at)
    t = tune(split(lecture.words), 2, "net")
    assert metrics(at)["Chosen on dev"] == f"λ = {t.chosen:.3g}" and metrics(at)["Its test NLL"] == f"{t.test_nll:.4f}"
    at.slider(key="max_logit").set_value(10.0).run()
    assert values(at, "Manual softmax NLL")[1] == values(at, "F.cross_entropy")[1]  # no overflow at 10


def test_a_list_too_small_to_split_says_so():
    at = open_page("exercises", parse_text("ab\nba\naa\n"))
    assert_clean(at)
    assert any("dev part of a split of 3 words is empty" in e.value for e in at.error)


def test_an_order_too_large_for_the_vocabulary_is_an_error_not_a_crash():
    letters = "".join(chr(0x4E00 + i) for i in range(100))  # V = 101: order 4 needs 101^4 > 50M cells
    words = parse_text("\n".join(letters[i:] + letters[:i] for i in range(len(letters))))
    at = open_page("exercises", words)
    assert_clean(at)
    assert any(
        "Order 4 on 101 characters is a table of 101^3 × 101 = 104,060,401 cells, more than the" in e.value
        for e in at.error
    )  # E01's default: 2, 3, 4
    assert "Test NLL, n = 3" in metrics(at) and "Test NLL, n = 4" not in metrics(at)


# --- the address ---------------------------------------------------------------------------------------------


def test_every_setting_round_trips_through_the_url(lecture):
    query = {
        "split_seed": "7",
        "dedupe": "true",
        "orders": ["2", "3"],
        "sample_order": "2",
        "tune": "net",
        "tune_order": "2",
        "max_logit": "10",
    }
    at = open_page("exercises", lecture, **query)
    assert_clean(at)
    assert not at.warning
    assert at.number_input(key="split_seed").value == 7 and at.toggle(key="dedupe").value
    assert at.multiselect(key="orders").value == [2, 3] and at.selectbox(key="sample_order").value == "2"
    assert at.radio(key="tune").value == "net" and at.selectbox(key="tune_order").value == 2
    assert at.slider(key="max_logit").value == 10
    m = metrics(at)
    assert m["Repeats removed"] == "2,539" and "Test NLL, n = 3" in m and "Test NLL, n = 4" not in m
    t = tune(split(lecture.words, 7, dedupe=True), 2, "net")
    assert m["Chosen on dev"] == f"λ = {t.chosen:.3g}" and m["Its test NLL"] == f"{t.test_nll:.4f}"
    assert values(at, "Manual softmax NLL")[1] == values(at, "F.cross_entropy")[1]  # no overflow at 10
    assert kept_after_a_rerun(at, query)


@pytest.mark.parametrize(
    "query, note",
    [
        ({"orders": ["2", "9"]}, "?orders=9 is not one of 2, 3, 4, 5, so it is left out."),
        ({"tune": "foo"}, "?tune=foo is not one of counts, net, so tune is counts."),
        ({"tune_order": "7"}, "?tune_order=7 is outside 2 to 5, so tune_order is 5."),
        ({"max_logit": "500"}, "?max_logit=500 is outside 1 to 200, so max_logit is 200."),
        ({"split_seed": "-1"}, "?split_seed=-1 is outside 0 to 4.29497e+09, so split_seed is 0."),
        ({"dedupe": "yes"}, "?dedupe=yes is neither true nor false, so dedupe is False."),
    ],
)
def test_a_value_the_view_cannot_show_gets_a_note(lecture, query, note):
    at = open_page("exercises", lecture, **query)
    assert_clean(at)
    assert [w.value for w in at.warning] == [md(note)]


def test_a_hidden_control_is_not_drawn_but_its_url_value_applies(lecture):
    at = open_page("exercises", lecture, dedupe="true", hide="dedupe")
    assert_clean(at)
    assert not drawn(at, "dedupe") and drawn(at, "split_seed")
    assert metrics(at)["Repeats removed"] == "2,539"


def test_parameters_the_view_does_not_know_are_dropped(lecture):
    at = open_page("exercises", lecture, dedupe="true", order="3", prefix="ka")
    assert_clean(at)
    assert "order" not in at.query_params and "prefix" not in at.query_params and at.query_params["dedupe"] == "true"
