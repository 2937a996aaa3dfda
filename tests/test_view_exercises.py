"""The /exercises view in AppTest: E01–E05 render with the library's numbers, and the controls move them."""

import pytest

from bigram_core import parse_text
from bigram_core.splits import split
from bigram_core.tuning import tune
from tests.apptest import assert_clean, metrics, open_page

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
    at.toggle(key="ex_dedupe").set_value(True).run()
    assert_clean(at)
    m = metrics(at)
    assert (m["train words"], m["dev words"], m["test words"]) == ("23,595", "2,949", "2,950")
    assert m["Repeats removed"] == "2,539" and m["Dev/test words in train"] == "0"
    before = m["Test NLL, n = 3"]
    at.number_input(key="ex_split_seed").set_value(7).run()
    assert_clean(at)
    assert metrics(at)["Test NLL, n = 3"] != before


def test_neural_tuning_and_a_small_logit_scale(lecture):
    at = open_page("exercises", lecture)
    at.radio(key="ex_model").set_value("neural").run()
    at.selectbox(key="ex_tune_order").set_value(2).run()
    assert_clean(at)
    t = tune(split(lecture.words), 2, "neural")
    assert metrics(at)["Chosen on dev"] == f"λ = {t.chosen:.3g}" and metrics(at)["Its test NLL"] == f"{t.test_nll:.4f}"
    at.slider(key="ex_max_logit").set_value(10.0).run()
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
