"""The Name generator view: the lecture's names from counts and from the net, NLL and novelty, trace, bad input."""

import json

import pytest

from bigram_core import breakdown, probabilities, sample
from tests.apptest import assert_clean, metrics, open_page, shown

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
    at.number_input(key="gen_n").set_value(5).run()
    assert_clean(at)
    return at


def test_counts_model_draws_the_lectures_names(five):
    assert seed_input(five).value == 2147483647 and five.radio(key="gen_model").value == "counts"
    assert names(five) == LECTURE_COUNTS


def test_trained_net_draws_the_lectures_names(five):
    five.radio(key="gen_model").set_value("net").run()
    assert_clean(five)
    assert names(five) == ["cexze", "momasurailezityha", "konimittain", "llayn", "ka"]
    assert five.number_input(key="k").disabled
    assert "the net after the lecture's 100 steps" in five.caption[0].value


def test_video_sampler_draws_the_videos_names(five):
    assert five.button_group(key="gen_sampler").value == "torch"
    five.button_group(key="gen_sampler").set_value("video").run()
    assert_clean(five)
    assert names(five) == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]
    assert five.caption[1].value.startswith("Sampler: torch is today's") and "inverse CDF" in five.caption[1].value


def test_each_name_has_its_nll_and_whether_it_is_in_the_data(lecture, lecture_N):
    at = open_page("generator", lecture)
    at.number_input(key="gen_n").set_value(100).run()
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
    five.text_input(key="gen_prefix").input("ja").run()
    assert_clean(five)
    assert len(names(five)) == 5 and all(n.startswith("ja") for n in names(five))
    five.text_input(key="gen_prefix").input("jQ").run()
    assert_clean(five)
    assert [e.value for e in five.error] == [
        "'jQ' has 'Q' at position 2, which is not in the vocabulary ('abcdefghijklmnopqrstuvwxyz' and '.'). "
        "Did you mean 'jq'?"
    ]


def test_temperature(five):
    five.number_input(key="gen_temperature").set_value(0.0).run()
    assert_clean(five)
    assert [e.value for e in five.error] == ["Temperature must be a number > 0; got 0.0."]
    five.number_input(key="gen_temperature").set_value(0.1).run()
    assert not five.error
    cold = float(metrics(five)["Mean NLL of these names"])
    five.number_input(key="gen_temperature").set_value(3.0).run()
    assert float(metrics(five)["Mean NLL of these names"]) > cold + 0.5  # a flatter P draws less typical names


def test_extreme_temperatures_are_valid(five):
    """No clamp and no note: the core stays finite down to the smallest float and up to the largest."""
    five.number_input(key="gen_temperature").set_value(1e-40).run()
    assert_clean(five)
    assert not five.error and not five.warning and not five.info
    greedy = names(five)
    assert len(greedy) == 5 and len(set(greedy)) == 1  # every draw the likeliest character: one name, five times
    five.number_input(key="gen_temperature").set_value(1e300).run()
    assert_clean(five)
    assert not five.error and not five.warning and len(set(names(five))) == 5


def test_how_many(five):
    five.number_input(key="gen_n").set_value(0).run()
    assert_clean(five)
    assert [w.value for w in five.warning] == ["Choose at least one name to draw."] and not five.dataframe
    five.number_input(key="gen_n").set_value(5000).run()
    assert_clean(five)
    assert [i.value for i in five.info] == ["Drawing 1,000 names, the most this page draws at once."]
    assert len(names(five)) == 1000 and names(five)[:5] == LECTURE_COUNTS


def test_uniform_model_and_maximum_length(five):
    five.radio(key="gen_model").set_value("uniform").run()
    five.number_input(key="gen_max_len").set_value(3).run()
    assert_clean(five)
    assert "P = 1/27 everywhere" in five.caption[0].value
    assert all(len(n.removesuffix(" …")) <= 3 for n in names(five)) and any(n.endswith(" …") for n in names(five))
    five.text_input(key="gen_prefix").input("abc").run()
    assert [e.value for e in five.error] == ["The prefix 'abc' is already 3 characters, the maximum length."]


def test_seed_follows_the_sidebar(lecture, lecture_N):
    at = open_page("generator", lecture)
    at.sidebar.number_input(key="seed").set_value(3).run()
    assert seed_input(at).value == 3
    assert names(at) == [s.name for s in sample(probabilities(lecture_N, 1), lecture.vocab, 20, seed=3)]
    seed_input(at).set_value(4).run()
    assert names(at) != [s.name for s in sample(probabilities(lecture_N, 1), lecture.vocab, 20, seed=3)]


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
    five.number_input(key="gen_temperature").set_value(0.5).run()
    five.switch_page("views/dataset.py").run()
    five.switch_page("views/generator.py").run()
    assert_clean(five)
    assert five.number_input(key="gen_temperature").value == 0.5 and five.number_input(key="gen_n").value == 5
