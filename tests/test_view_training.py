"""The Training view in AppTest: the lecture's "emma" figures, Step, a live run, Stop, Reset, divergence, names.

AppTest never fires the browser's timer, but it runs the live fragment inline on every full run, and each
run trains one time-boxed slice, so calling at.run() again plays the part of the timer (run_until_done).
"""

import math
import time

import pyarrow
import pytest
import torch

from bigram_core import fit, parse_text
from tests.apptest import assert_clean, metrics, open_page, run_until_done, running

pytestmark = pytest.mark.apptest

SAMPLED_NAMES = ["`cexze.`", "`momasurailezityha.`", "`konimittain.`", "`llayn.`", "`ka.`"]


@pytest.fixture
def page(lecture):
    at = open_page("training", lecture)
    assert_clean(at)
    return at


def test_emma_through_the_net(page):
    assert metrics(page)["Mean NLL on “emma”"] == "3.7693"
    table = page.dataframe[0].value
    assert table["bigram"].tolist() == [".e", "em", "mm", "ma", "a."]
    assert table["input x"].tolist() == [0, 5, 13, 13, 1] and table["label y"].tolist() == [5, 13, 13, 1, 0]
    assert table["P(label)"].round(4).tolist() == [0.0123, 0.0181, 0.0267, 0.0737, 0.0150]
    assert table["NLL"].round(4).tolist() == [4.3993, 4.0146, 3.6234, 2.6081, 4.2012]
    assert (table["log P"] == -table["NLL"]).all()
    assert "xs = [0, 5, 13, 13, 1]" in page.code[0].value


def test_another_word_and_a_bad_one(page):
    page.text_input(key="word").input("ava").run()
    assert metrics(page)["Mean NLL on “ava”"] != "3.7693" and len(page.dataframe[0].value) == 4
    page.text_input(key="word").input("Émile").run()
    assert_clean(page)
    assert "not in the vocabulary" in page.warning[0].value
    assert metrics(page)["Counts model"] == "2.4540"  # the rest of the page still works


def test_step_by_step_gives_the_lectures_losses(page):
    assert metrics(page)["Step"] == "0" and metrics(page)["Loss"] == "—"
    page.button(key="training_step").click().run()
    assert metrics(page)["Step"] == "1" and metrics(page)["Loss"] == "3.7686"
    page.button(key="training_step").click().run()
    assert metrics(page)["Step"] == "2" and metrics(page)["Loss"] == "3.3788"
    assert len(page.session_state["net"].records) == 2


def test_start_runs_the_lectures_100_steps_and_samples_its_names(page, lecture):
    page.button(key="training_start").click().run()
    run_until_done(page)
    assert metrics(page)["Step"] == "100" and metrics(page)["Loss"] == "2.4901"
    assert metrics(page)["Data NLL"] == "2.4750"
    net = page.session_state["net"]
    assert len(net.records) == 100 and net.digest == lecture.digest
    assert net.settings == {"lr": 50.0, "reg": 0.01, "seed": 2147483647, "init": "randn"}
    assert any(all(name in m.value for name in SAMPLED_NAMES) for m in page.markdown)
    assert page.get("download_button")
    page.button(key="training_start").click().run()  # Start on a finished run starts over: same result
    run_until_done(page)
    assert metrics(page)["Step"] == "100" and metrics(page)["Loss"] == "2.4901"


def test_a_long_run_hands_back_control_and_stop_freezes_it(page):
    page.selectbox(key="pace").set_value("as fast as possible").run()
    page.number_input(key="steps").set_value(100_000).run()
    page.button(key="training_start").click().run()
    assert running(page)  # one full run trained a slice, not the whole run
    page.run()
    done = len(page.session_state["net"].records)
    assert 0 < done < 100_000
    assert page.button(key="training_start").disabled and page.number_input(key="steps").disabled
    page.number_input(key="lr").set_value(10.0).run()  # applies from the next step, the run goes on
    assert running(page) and page.session_state["net"].settings["lr"] == 10.0
    page.text_input(key="word").input("ava").run()  # the page answers and the run goes on
    assert metrics(page)["Mean NLL on “ava”"] and running(page)
    assert len(page.session_state["net"].records) > done
    page.button(key="training_stop").click().run()
    assert not running(page)
    stopped = len(page.session_state["net"].records)
    page.run()
    assert len(page.session_state["net"].records) == stopped and metrics(page)["Step"] == f"{stopped:,}"
    assert not page.button(key="training_start").disabled


def test_reset_discards_the_net(page):
    page.button(key="training_step").click().run()
    page.button(key="training_reset").click().run()
    assert_clean(page)
    assert "net" not in page.session_state and metrics(page)["Step"] == "0" and metrics(page)["Loss"] == "—"
    page.button(key="training_step").click().run()
    assert metrics(page)["Loss"] == "3.7686"  # back at the initial W


def test_a_diverging_learning_rate_says_so_and_keeps_the_last_good_W(page):
    page.number_input(key="lr").set_value(1e6).run()
    page.button(key="training_start").click().run()
    run_until_done(page)
    assert "diverged at step" in page.error[0].value and "smaller learning rate" in page.error[0].value
    net = page.session_state["net"]
    assert 0 < len(net.records) < 100 and torch.isfinite(net.W).all()
    assert math.isfinite(float(metrics(page)["Loss"]))
    assert any("`" in m.value and "." in m.value for m in page.markdown)  # names still sample from W
    page.button(key="training_reset").click().run()
    assert not page.error


def test_a_zero_learning_rate_is_refused(page):
    page.number_input(key="lr").set_value(0.0).run()
    page.button(key="training_step").click().run()
    assert_clean(page)
    assert "learning rate" in page.error[0].value and "net" not in page.session_state


def test_zeros_init_starts_uniform(page):
    page.radio(key="init").set_value("zeros").run()
    page.button(key="training_step").click().run()
    assert metrics(page)["Loss"] == f"{math.log(27):.4f}"


def test_the_seed_follows_the_sidebar(page):
    page.sidebar.number_input(key="seed").set_value(42).run()
    page.button(key="training_step").click().run()
    assert metrics(page)["Loss"] != "3.7686"
    assert metrics(page)["Mean NLL on “emma”"] != "3.7693"


def test_a_new_word_list_ends_the_run_and_the_net(page):
    page.selectbox(key="pace").set_value("as fast as possible").run()
    page.number_input(key="steps").set_value(100_000).run()
    page.button(key="training_start").click().run()
    assert running(page)
    page.session_state["words"] = parse_text("anna\nbob\n", "tiny.txt")  # the net's digest no longer matches
    page.run()
    assert_clean(page)
    assert not running(page) and metrics(page)["Step"] == "0"


def test_a_slow_pace_trains_a_few_steps_per_redraw(page):
    page.selectbox(key="pace").set_value("5 steps/s").run()
    started = time.perf_counter()
    page.button(key="training_start").click().run()
    page.run()
    page.run()
    assert running(page)
    assert len(page.session_state["net"].records) <= 5 * (time.perf_counter() - started) + 1


def test_one_word_backward_and_two_steps(page):
    assert metrics(page)["Loss on “emma” after 0 steps"] == "3.7693"
    page.button(key="training_word_step").click().run()
    assert metrics(page)["Loss on “emma” after 1 step"] == "3.7492"
    page.button(key="training_word_step").click().run()
    assert metrics(page)["Loss on “emma” after 2 steps"] == "3.7292"
    assert any(m.value == "3.7693 → 3.7492 → 3.7292" for m in page.markdown)
    grad = page.session_state["training_word_steps"]["grad"]
    assert grad.abs().sum(1).nonzero().flatten().tolist() == [0, 1, 5, 13]  # the rows of '.', a, e, m
    page.button(key="training_word_reset").click().run()
    assert metrics(page)["Loss on “emma” after 0 steps"] == "3.7693"


def test_the_loss_curve_and_numbers_show_the_same_step(page):
    for _ in range(3):
        page.button(key="training_step").click().run()
    chart = page.get("vega_lite_chart")[0].proto
    curve = pyarrow.ipc.open_stream(chart.datasets[0].data.data).read_pandas()
    last = curve[curve["curve"].str.startswith("loss")].iloc[-1]
    assert (last["step"], round(last["value"], 4)) == (3, 3.1611)
    assert metrics(page)["Step"] == "3" and metrics(page)["Loss"] == "3.1611"
    assert page.get("progress")[0].proto.text == "step 3 of 100"


def test_the_url_sets_the_inputs_and_a_bad_value_gets_a_note(lecture):
    at = open_page("training", lecture, lr="10", steps="abc", pace="5 steps/s", **{"lambda": "-3"}, colour="red")
    assert_clean(at)
    assert at.number_input(key="lr").value == 10.0 and at.selectbox(key="pace").value == "5 steps/s"
    assert at.number_input(key="steps").value == 100 and at.number_input(key="lambda").value == 0.0
    notes = " ".join(w.value for w in at.warning)
    assert "?steps=abc is not a number, so steps is 100." in notes
    assert "?lambda=-3 is outside 0 to 1e+38, so lambda is 0." in notes
    assert "colour" not in at.query_params  # no view knows it
    at.button(key="training_step").click().run()
    assert metrics(at)["Loss"] == metrics(at)["Data NLL"] == "3.7590"  # λ = 0: the loss is the NLL alone
    assert at.session_state["net"].settings["lr"] == 10.0


def test_a_link_with_trained_steps_retrains_the_net(lecture):
    at = open_page("training", lecture, trained="100")
    assert_clean(at)
    assert metrics(at)["Step"] == "100" and metrics(at)["Loss"] == "2.4901"
    at.button(key="training_step").click().run()
    assert at.query_params["trained"] == "101"
    at.number_input(key="lr").set_value(10.0).run()
    at.button(key="training_step").click().run()  # a change of lr mid-way: the steps alone no longer say it
    assert "trained" not in at.query_params


# --- the address: every control round-trips, bad values get a note, hidden controls still apply ----------------

SETTINGS = {
    "word": "ava",
    "lr": "10",
    "steps": "200",
    "lambda": "0.1",
    "init": "zeros",
    "pace": "5 steps/s",
    "log": "true",
}


def test_every_control_comes_from_the_url_and_stays_there(lecture):
    at = open_page("training", lecture, **SETTINGS)
    assert_clean(at)
    assert at.text_input(key="word").value == "ava" and at.number_input(key="lr").value == 10
    assert at.number_input(key="steps").value == 200 and at.number_input(key="lambda").value == 0.1
    assert at.radio(key="init").value == "zeros" and at.selectbox(key="pace").value == "5 steps/s"
    assert at.toggle(key="log").value and at.get("progress")[0].proto.text == "step 0 of 200"
    at.run()
    assert at.query_params == SETTINGS
    assert set(at.session_state["url_controls"]) == {"seed", *SETTINGS}  # what a teacher link can hide
    at.button(key="training_step").click().run()
    assert metrics(at)["Loss"] == f"{math.log(27) + 0:.4f}"  # zeros: uniform, and W = 0 adds no penalty
    assert at.session_state["net"].settings == {"lr": 10.0, "reg": 0.1, "seed": 2147483647, "init": "zeros"}


def test_a_link_to_a_trained_net_shows_it_in_every_section(lecture):
    at = open_page("training", lecture, trained="100", weights="trained")
    assert_clean(at)
    assert at.radio(key="weights").value == "trained" and metrics(at)["Mean NLL on “emma”"] != "3.7693"
    assert metrics(at)["Step"] == "100" and at.query_params["weights"] == "trained"


@pytest.mark.parametrize(
    "key, raw, note",
    [
        ("init", "ones", "?init=ones is not one of random, zeros, so init is random."),
        ("pace", "fast", "?pace=fast is not one of 25 steps/s, 5 steps/s, 100 steps/s, as fast as possible, so pace"),
        ("log", "maybe", "?log=maybe is neither true nor false, so log is False."),
        ("steps", "1e9", "?steps=1e9 is outside 1 to 100000, so steps is 100000."),
    ],
)
def test_a_bad_value_gets_a_note_and_the_address_says_what_is_shown(lecture, key, raw, note):
    at = open_page("training", lecture, **{key: raw})
    assert_clean(at)
    assert any(w.value.startswith(note) for w in at.warning), [w.value for w in at.warning]
    assert at.query_params.get(key) == ("100000" if key == "steps" else None)


def test_a_hidden_learning_rate_is_not_drawn_but_trains(lecture):
    at = open_page("training", lecture, lr="10", hide="lr")
    assert_clean(at)
    assert [n.key for n in at.number_input if n.key == "lr"] == []
    for _ in range(2):
        at.button(key="training_step").click().run()
    expected = fit(lecture.counts, steps=2, lr=10)[1]
    assert metrics(at)["Loss"] == f"{expected[1].loss:.4f}" != "3.3788"  # the lecture's lr 50 gives 3.3788
    assert at.session_state["net"].settings["lr"] == 10.0 and at.query_params["lr"] == "10"
