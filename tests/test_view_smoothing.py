"""The /smoothing view in AppTest: it renders on the lecture's list and the bundled one, k and λ move the numbers."""

import pytest

from bigram_core import parse_text
from tests.apptest import assert_clean, metrics, open_page

pytestmark = pytest.mark.apptest


def matching_ks(at) -> list[float]:
    """The table's matching k for every λ, smallest λ first."""
    return [float(k.replace(",", "")) for k in at.dataframe[0].value["matching k"]]


def test_renders_on_the_lecture_list(lecture):
    at = open_page("smoothing", lecture)
    assert_clean(at)
    assert at.title[0].value == "Smoothing vs regularisation"
    assert metrics(at) == {
        "NLL · counts, k = 1": "2.4546",
        "NLL · net, λ = 0.01": "2.4604",
        "k that matches λ = 0.01": "5.25",
        "Mean KL(P_k ‖ net), your pair": "1.51e-02",
    }
    assert any(m.value == "##### Row 'q': P(next | 'q'), log axis" for m in at.markdown)
    assert matching_ks(at) == sorted(set(matching_ks(at)))  # strictly increasing in λ


def test_moving_k_and_reg_changes_the_numbers(lecture):
    at = open_page("smoothing", lecture)
    before = metrics(at)
    at.number_input(key="k").set_value(5.0).run()
    assert_clean(at)
    after_k = metrics(at)
    assert after_k["NLL · counts, k = 5"] != before["NLL · counts, k = 1"]
    assert after_k["NLL · net, λ = 0.01"] == before["NLL · net, λ = 0.01"]  # k leaves the net alone
    # k = 5 is next to the match for λ = 0.01 (5.25), so the two models are closer than at k = 1
    assert float(after_k["Mean KL(P_k ‖ net), your pair"]) < float(before["Mean KL(P_k ‖ net), your pair"])

    at.select_slider(key="reg").set_value(1.0).run()
    assert_clean(at)
    after_reg = metrics(at)
    assert after_reg["NLL · net, λ = 1"] == "2.7213"
    assert after_reg["k that matches λ = 1"] == "457"
    assert after_reg["NLL · counts, k = 5"] == after_k["NLL · counts, k = 5"]


def test_k_and_reg_come_from_the_url(lecture):
    at = open_page("smoothing", lecture, k="0", reg="100")
    assert_clean(at)
    assert at.number_input(key="k").value == 0.0 and at.select_slider(key="reg").value == 100.0
    m = metrics(at)
    assert m["NLL · counts, k = 0"] == "2.4540"
    assert float(m["NLL · net, λ = 100"]) > 3.27  # nearly uniform: log 27 = 3.2958


def test_any_k_the_other_views_take_and_a_bad_reg_falls_back(lecture):
    at = open_page("smoothing", lecture, k="3", reg="lots")
    assert_clean(at)
    assert at.number_input(key="k").value == 3.0 and at.select_slider(key="reg").value == 0.01


def test_choosing_a_row(lecture):
    at = open_page("smoothing", lecture)
    at.selectbox(key="smoothing_row").set_value("a").run()
    assert_clean(at)
    assert any(m.value == "##### Row 'a': P(next | 'a'), log axis" for m in at.markdown)


def test_renders_on_the_bundled_list():
    at = open_page("smoothing")
    assert_clean(at)
    m = metrics(at)
    assert set(m) == {
        "NLL · counts, k = 1",
        "NLL · net, λ = 0.01",
        "k that matches λ = 0.01",
        "Mean KL(P_k ‖ net), your pair",
    }
    assert 2.4 < float(m["NLL · counts, k = 1"]) < float(m["NLL · net, λ = 0.01"]) < 3.2958
    ks = matching_ks(at)
    assert ks == sorted(set(ks)) and len(ks) == len(at.select_slider(key="reg").options)


@pytest.mark.parametrize("text", ["emma\nolivia\nava\n", "ab\n", "zoë\nrenée\njosé\nøyvind\n"])
def test_small_lists_without_q(text):
    """No 'q' to show by default, a tiny vocabulary, characters beyond a–z: the view still draws."""
    at = open_page("smoothing", parse_text(text))
    assert_clean(at)
    assert len(at.metric) == 4 and not at.error


# --- the address: every control round-trips, bad values get a note, hidden controls still apply ----------------


def test_every_control_comes_from_the_url_and_stays_there(lecture):
    query = {"k": "5", "reg": "1", "smoothing_row": "a"}
    at = open_page("smoothing", lecture, **query, colour="red")
    assert_clean(at)
    assert at.number_input(key="k").value == 5 and at.select_slider(key="reg").value == 1.0
    assert at.selectbox(key="smoothing_row").value == "a"
    assert set(metrics(at)) >= {"NLL · counts, k = 5", "NLL · net, λ = 1", "k that matches λ = 1"}
    at.run()
    assert at.query_params == query  # and the unknown colour is dropped
    assert set(at.session_state["url_controls"]) == {"seed", *query}  # what a teacher link can hide


@pytest.mark.parametrize(
    "raw, reg, note",
    [
        ("0.03", 0.02, "?reg=0.03 is not one of the slider's values, so reg is 0.02, the nearest."),
        ("1e9", 100.0, "?reg=1e9 is not one of the slider's values, so reg is 100, the nearest."),
        ("lots", 0.01, "?reg=lots is not a positive number, so reg is 0.01."),
        ("-1", 0.01, "?reg=-1 is not a positive number, so reg is 0.01."),
        ("1e-4", 0.0001, None),  # the same number, written another way
    ],
)
def test_a_reg_between_the_sliders_values_is_snapped_with_a_note(lecture, raw, reg, note):
    at = open_page("smoothing", lecture, reg=raw)
    assert_clean(at)
    assert at.select_slider(key="reg").value == reg and [w.value for w in at.warning] == ([note] if note else [])
    assert f"NLL · net, λ = {reg:g}" in metrics(at)
    assert at.query_params.get("reg") == (None if reg == 0.01 else f"{reg:g}")  # the address says what is shown


def test_a_row_the_list_does_not_have_gets_a_note(lecture):
    at = open_page("smoothing", lecture, smoothing_row="é")
    assert at.selectbox(key="smoothing_row").value == "q" and at.warning[0].value.startswith(
        "?smoothing\\_row=é is not"
    )
    at = open_page("smoothing", lecture, smoothing_row="A")  # a hand-typed link: its case does not matter
    assert at.selectbox(key="smoothing_row").value == "a" and not at.warning


def test_hidden_controls_are_not_drawn_but_apply(lecture):
    at = open_page("smoothing", lecture, reg="1", k="5", hide="reg,k")
    assert_clean(at)
    assert not at.select_slider
    assert [n.key for n in at.number_input] == ["seed"]  # only the sidebar's
    assert set(metrics(at)) >= {"NLL · counts, k = 5", "NLL · net, λ = 1"}
    at.run()
    assert at.query_params["reg"] == "1" and at.query_params["k"] == "5"
