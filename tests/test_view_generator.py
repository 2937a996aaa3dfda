"""The Name generator view: the lecture's names from counts and from the net, NLL and novelty, trace, bad input."""

import json

import pytest

from bigram_core import SEED, breakdown, fit, probabilities, probs, sample
from tests.apptest import assert_clean, drawn, kept_after_a_rerun, metrics, open_page, shown
from ui.format import md

pytestmark = pytest.mark.apptest

LECTURE_COUNTS = ["cexze", "momasurailezitynn", "konimittain", "llayn", "ka"]


def names(at) -> list[str]:
    return shown(at.dataframe[0])["name"].tolist()


def seed_input(at):
    return next(w for w in at.main.number_input if w.label == "Seed")


@pytest.fixture
def five(lecture):
    """The generator on the lecture's list, drawing 5 names."""
    at = open_page("generator", lecture)
    at.number_input(key="n").set_value(5).run()
    assert_clean(at)
    return at


def test_counts_model_draws_the_lectures_names(five):
    assert seed_input(five).value == 2147483647 and five.radio(key="from").value == "counts"
    assert names(five) == LECTURE_COUNTS


def test_trained_net_draws_the_lectures_names(five):
    five.radio(key="from").set_value("net").run()
    assert_clean(five)
    assert names(five) == ["cexze", "momasurailezityha", "konimittain", "llayn", "ka"]
    assert five.number_input(key="k").disabled
    assert "the net after the lecture's 100 steps" in five.caption[0].value


def test_video_sampler_draws_the_videos_names(five):
    assert five.button_group(key="sampler").value == "torch"
    five.button_group(key="sampler").set_value("video").run()
    assert_clean(five)
    assert names(five) == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]
    assert five.caption[1].value.startswith("Sampler: torch is today's") and "inverse CDF" in five.caption[1].value


def test_each_name_has_its_nll_and_whether_it_is_in_the_data(lecture, lecture_N):
    at = open_page("generator", lecture)
    at.number_input(key="n").set_value(100).run()
    assert_clean(at)
    P = probabilities(lecture_N, 1)
    drawn = [s.name for s in sample(P, lecture.vocab, 100)]
    table = shown(at.dataframe[0])
    assert names(at) == drawn
    assert table["NLL"].tolist() == [f"{breakdown(n, P, lecture_N, lecture.vocab).nll:.4f}" for n in drawn]
    known = set(lecture.words)
    assert at.dataframe[0].value["in the data"].tolist() == [n in known for n in drawn]
    assert any(n in known for n in drawn)  # so the column is tested both ways
    assert metrics(at)["New names"] == f"{sum(n not in known for n in drawn)} of 100"


def test_prefix(five):
    five.text_input(key="prefix").input("ja").run()
    assert_clean(five)
    assert len(names(five)) == 5 and all(n.startswith("ja") for n in names(five))
    five.text_input(key="prefix").input("jQ").run()
    assert_clean(five)
    assert [e.value for e in five.error] == [
        "'jQ' has 'Q' at position 2, which is not in the vocabulary ('abcdefghijklmnopqrstuvwxyz' and '.'). "
        "Did you mean 'jq'?"
    ]


def test_temperature(five):
    five.number_input(key="temperature").set_value(0.0).run()
    assert_clean(five)
    assert [e.value for e in five.error] == ["Temperature must be a number > 0; got 0.0."]
    five.number_input(key="temperature").set_value(0.1).run()
    assert not five.error
    cold = float(metrics(five)["Mean NLL of these names"])
    five.number_input(key="temperature").set_value(3.0).run()
    assert float(metrics(five)["Mean NLL of these names"]) > cold + 0.5  # a flatter P draws less typical names


def test_extreme_temperatures_are_valid(five):
    """No clamp and no note: the core stays finite down to the smallest float and up to the largest."""
    five.number_input(key="temperature").set_value(1e-40).run()
    assert_clean(five)
    assert not five.error and not five.warning and not five.info
    greedy = names(five)
    assert len(greedy) == 5 and len(set(greedy)) == 1  # every draw the likeliest character: one name, five times
    five.number_input(key="temperature").set_value(1e300).run()
    assert_clean(five)
    assert not five.error and not five.warning and len(set(names(five))) == 5


def test_how_many(five, lecture):
    five.number_input(key="n").set_value(0).run()
    assert_clean(five)
    assert [w.value for w in five.warning] == ["Choose at least one name to draw."] and not five.dataframe
    at = open_page("generator", lecture, n="5000")
    assert_clean(at)
    assert [w.value for w in at.warning] == ["?n=5000 is outside 0 to 1000, so n is 1000."]
    assert len(names(at)) == 1000 and names(at)[:5] == LECTURE_COUNTS


def test_uniform_model_and_maximum_length(five):
    five.radio(key="from").set_value("uniform").run()
    five.number_input(key="max_len").set_value(3).run()
    assert_clean(five)
    assert "P = 1/27 everywhere" in five.caption[0].value
    assert all(len(n.removesuffix(" …")) <= 3 for n in names(five)) and any(n.endswith(" …") for n in names(five))
    five.text_input(key="prefix").input("abc").run()
    assert [e.value for e in five.error] == ["The prefix 'abc' is already 3 characters, the maximum length."]


def test_seed_follows_the_sidebar(lecture, lecture_N):
    at = open_page("generator", lecture)
    at.sidebar.number_input(key="seed").set_value(3).run()
    assert seed_input(at).value == 3
    assert names(at) == [s.name for s in sample(probabilities(lecture_N, 1), lecture.vocab, 20, seed=3)]
    seed_input(at).set_value(4).run()
    assert names(at) != [s.name for s in sample(probabilities(lecture_N, 1), lecture.vocab, 20, seed=3)]
    # One seed for the app: the page's field is the sidebar's seed, and the address says it.
    assert at.sidebar.number_input(key="seed").value == 4 and at.query_params["seed"] == "4"
    assert names(at) == [s.name for s in sample(probabilities(lecture_N, 1), lecture.vocab, 20, seed=4)]


def test_trace_of_one_name(five, lecture, lecture_N):
    five.main.selectbox[0].set_value(1).run()  # momasurailezitynn
    assert_clean(five)
    draws = shown(five.dataframe[1])
    assert "".join(draws.loc["drew"]) == "momasurailezitynn."
    assert draws.loc["after", "1"] == "." and draws.columns.tolist() == [str(i) for i in range(1, 19)]
    five.slider(key="gen_step").set_value(3).run()
    figure = json.loads(five.get("plotly_chart")[0].proto.spec)
    row = probabilities(lecture_N, 1)[lecture.vocab.stoi["o"]]
    assert figure["layout"]["title"]["text"] == f"Step 3: after 'o' it drew 'm', P = {float(row[13]):.4f}"
    assert draws.loc["P", "3"] == f"{float(row[13]):.4f}"
    colors = figure["data"][0]["marker"]["color"]
    assert [ch for ch, c in zip(lecture.vocab.itos, colors) if c != colors[0]] == ["m"]  # the draw stands out


def test_download_and_settings_survive_a_page_switch(five):
    assert five.get("download_button")[0].label == "Download the names"
    five.number_input(key="temperature").set_value(0.5).run()
    five.switch_page("views/dataset.py").run()
    five.switch_page("views/generator.py").run()
    assert_clean(five)
    assert five.number_input(key="temperature").value == 0.5 and five.number_input(key="n").value == 5


# --- the address ---------------------------------------------------------------------------------------------


def test_the_issues_link_shows_the_net_five_names_from_ka_at_half_temperature(lecture):
    at = open_page("generator", lecture, model="net", n="5", temperature="0.5", prefix="ka")
    assert_clean(at)
    assert at.radio(key="from").value == "net" and at.number_input(key="n").value == 5
    assert at.number_input(key="temperature").value == 0.5 and at.text_input(key="prefix").value == "ka"
    assert "the net after the lecture's 100 steps" in at.caption[0].value
    W, _ = fit(lecture.counts, seed=SEED, lr=50.0, steps=100, reg=0.01)
    assert names(at) == [s.name for s in sample(probs(W), lecture.vocab, 5, SEED, 0.5, "ka")]
    assert all(name.startswith("ka") for name in names(at))
    assert "model" not in at.query_params  # written ?from=, this page's name for it
    assert kept_after_a_rerun(at, {"from": "net", "n": "5", "temperature": "0.5", "prefix": "ka"})


def test_every_setting_round_trips_through_the_url(lecture, lecture_N):
    query = {"k": "3", "n": "7", "seed": "42", "prefix": "a", "temperature": "2", "max_len": "4", "sampler": "video"}
    at = open_page("generator", lecture, **query)
    assert_clean(at)
    assert not at.warning
    assert at.number_input(key="k").value == 3 and seed_input(at).value == 42
    assert at.number_input(key="max_len").value == 4 and at.button_group(key="sampler").value == "video"
    P = probabilities(lecture_N, 3)
    assert names(at) == [
        s.name + ("" if s.ended else " …") for s in sample(P, lecture.vocab, 7, 42, 2.0, "a", 4, sampler="video")
    ]
    assert kept_after_a_rerun(at, query)
    at = open_page("generator", lecture, **{"from": "uniform"})
    assert at.radio(key="from").value == "uniform" and "P = 1/27 everywhere" in at.caption[0].value
    assert kept_after_a_rerun(at, {"from": "uniform"})


@pytest.mark.parametrize(
    "query, note",
    [
        ({"model": "foo"}, "?model=foo is not one of counts, net, uniform, so model is counts."),
        ({"from": "Net"}, None),  # read as net
        ({"n": "abc"}, "?n=abc is not a number, so n is 20."),
        ({"temperature": "-1"}, "?temperature=-1 is outside 0 to 1.79769e+308, so temperature is 0."),
        ({"max_len": "1000"}, "?max_len=1000 is outside 1 to 100, so max_len is 100."),
        ({"sampler": "numpy"}, "?sampler=numpy is not one of torch, video, so sampler is torch."),
        ({"prefix": "a" * 61}, "The prefix in the address was cut to its first 60 characters."),
        ({"seed": "-5"}, "?seed=-5 is outside 0 to 9.0072e+15, so seed is 0."),
    ],
)
def test_a_value_the_view_cannot_show_gets_a_note(lecture, query, note):
    at = open_page("generator", lecture, **query)
    assert_clean(at)
    notes = [w.value for w in at.warning]
    assert notes == ([md(note)] if note else []), notes


def test_a_hidden_control_is_not_drawn_but_its_url_value_applies(lecture):
    at = open_page("generator", lecture, n="3", hide="n")
    assert_clean(at)
    assert not drawn(at, "n") and drawn(at, "prefix") and len(names(at)) == 3
    assert names(at) == LECTURE_COUNTS[:3]


def test_parameters_the_view_does_not_know_are_dropped(lecture):
    at = open_page("generator", lecture, n="5", word="emma", colour="log")
    assert_clean(at)
    assert "word" not in at.query_params and "colour" not in at.query_params and at.query_params["n"] == "5"


def test_a_hidden_seed_is_drawn_nowhere_and_the_links_seed_draws(lecture, lecture_N):
    at = open_page("generator", lecture, seed="3", hide="seed")
    assert_clean(at)
    assert not [w for w in at.number_input if w.label == "Seed"]
    assert names(at) == [s.name for s in sample(probabilities(lecture_N, 1), lecture.vocab, 20, seed=3)]
