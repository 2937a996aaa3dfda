"""The counts view (/counts): the labelled heatmap, P at k, one row, the top bigrams, the keepdim pitfall, CSVs."""

import base64
import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import torch
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test

from bigram_core import SEED, dataset_nll, parse_text, probabilities, probabilities_keepdim_bug, sample
from bigram_core.ngram import context_slice, ngram_counts
from bigram_core.sampling import names
from tests.apptest import assert_clean, drawn, kept_after_a_rerun, open_page
from ui.format import md

pytestmark = pytest.mark.apptest


def decoded(obj):
    """plotly 7 sends numpy arrays as base64 typed arrays ({"bdata", "dtype", "shape"}): back to numpy."""
    if isinstance(obj, dict) and "bdata" in obj:
        shape = [int(n) for n in str(obj.get("shape", "-1")).split(",")]
        return np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"]).reshape(shape)
    if isinstance(obj, dict):
        return {key: decoded(value) for key, value in obj.items()}
    return [decoded(value) for value in obj] if isinstance(obj, list) else obj


def figure(at, key: str) -> dict:
    """The plotly figure of the chart drawn with `key`, as JSON with its arrays decoded."""
    return decoded(json.loads(at.get_by_key(key).proto.spec))


def heatmap_chart(at):
    """The count heatmap: the page's one Vega-Lite chart."""
    (chart,) = at.get("vega_lite_chart")
    return chart.proto


def heatmap_spec(at) -> dict:
    return json.loads(heatmap_chart(at).spec)


def colour_scale(at) -> str:
    return heatmap_spec(at)["layer"][0]["encoding"]["color"]["scale"]["type"]


def cells(at) -> pd.DataFrame:
    """The heatmap's cells, row-major (previous character, then next): z, labels, tooltip columns."""
    return pa.ipc.open_stream(heatmap_chart(at).datasets[0].data.data).read_pandas()


def grid(at, column: str = "z") -> np.ndarray:
    """One column of the heatmap's cells as the (V, V) matrix it draws."""
    values = cells(at)[column].to_numpy()
    V = int(round(len(values) ** 0.5))
    return values.reshape(V, V)


def metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def test_every_cell_is_labelled_with_its_pair_and_count(lecture):
    at = open_page("counts", lecture)
    assert_clean(at)
    N, itos = lecture.counts, lecture.vocab.itos
    assert np.array_equal(grid(at), N.numpy()) and grid(at)[0][1] == 4410  # N['.', 'a']
    top, bottom = grid(at, "top"), grid(at, "bottom")
    assert (top[0][1], bottom[0][1]) == (".a", "4410") and (top[14][0], bottom[14][0]) == ("n.", "6763")
    assert top.tolist() == [[a + b for b in itos] for a in itos] and bottom.tolist() == N.numpy().astype(str).tolist()
    rect = heatmap_spec(at)["layer"][0]["encoding"]["color"]
    assert rect["scale"] == {"scheme": "blues", "type": "linear"}  # Blues, as in the lecture
    assert at.get_by_key("fit_heatmap") is not None  # square and within the screen's height (ui/style.css)
    assert any("A cell shows its bigram and count when the screen gives it room" in c.value for c in at.caption)


def test_metrics_and_hover_follow_k(lecture):
    at = open_page("counts", lecture)
    assert metric(at, "Bigrams counted") == "228,146" and metric(at, "Largest cell") == "6,763"
    assert metric(at, "Never-seen pairs") == "102 of 729"
    assert metric(at, "Average NLL at k = 1") == "2.4546"
    hover_p = grid(at, "P(next | previous) at k = 1").astype(float)
    assert np.allclose(hover_p, probabilities(lecture.counts, 1).numpy(), atol=5e-5)
    at.number_input(key="k").set_value(0.0).run()
    assert_clean(at)
    assert metric(at, "Average NLL at k = 0") == "2.4540"
    hover_p = grid(at, "P(next | previous) at k = 0").astype(float)
    assert np.array_equal(grid(at, "count").astype(int), lecture.counts.numpy())
    assert np.allclose(hover_p, probabilities(lecture.counts, 0).numpy(), atol=5e-5) and (hover_p == 0).sum() == 102


def test_k_from_the_url(lecture):
    at = open_page("counts", lecture, k="1000")
    assert at.number_input(key="k").value == 1000
    assert metric(at, "Average NLL at k = 1000") != metric(open_page("counts", lecture), "Average NLL")


@pytest.mark.parametrize("bad, k, nll", [("-1", 0, "2.4540"), ("abc", 1, "2.4546")])
def test_a_bad_k_in_the_url_is_snapped_or_falls_back_with_a_note(lecture, bad, k, nll):
    at = open_page("counts", lecture, k=bad)
    assert_clean(at)
    assert at.number_input(key="k").value == k and metric(at, f"Average NLL at k = {k}") == nll
    assert at.warning[0].value.startswith(f"?k={bad} is")


def test_log_colour(lecture):
    at = open_page("counts", lecture)
    at.segmented_control(key="colour").set_value("log").run()
    assert_clean(at)
    colour = heatmap_spec(at)["layer"][0]["encoding"]["color"]
    assert colour["scale"]["type"] == "symlog" and colour["legend"]["values"] == [0, 10, 100, 1000]
    assert np.array_equal(grid(at), lecture.counts.numpy()) and grid(at, "bottom")[0][1] == "4410"  # still counts


def test_row_picker(lecture):
    at = open_page("counts", lecture)
    s, P = lecture.vocab.stoi, probabilities(lecture.counts, 1)
    assert np.allclose(figure(at, "row_chart")["data"][0]["y"], P[0].numpy())
    at.pills(key="row").set_value("q").run()
    assert_clean(at)
    assert np.allclose(figure(at, "row_chart")["data"][0]["y"], P[s["q"]].numpy())
    assert any("'q' is followed 272 times; the likeliest next character is 'u'" in c.value for c in at.caption)


def test_top_bigrams(lecture):
    top = open_page("counts", lecture).dataframe[0].value
    assert top["bigram"].tolist()[:5] == ["n.", "a.", "an", ".a", "e."]
    assert top["count"].tolist()[:5] == [6763, 6640, 5438, 4410, 3983]
    assert top["P(next | previous)"].iloc[3] == pytest.approx(4411 / (32033 + 27))  # P('a' | '.') at k = 1


def test_every_pair_counted(lecture):
    pairs = open_page("counts", lecture).dataframe[1].value
    assert len(pairs) == 627 and pairs["count"].sum() == 228146  # every nonzero cell of N, once
    assert pairs["bigram"].tolist()[:3] == ["n.", "a.", "an"] and pairs["count"].tolist()[:3] == [6763, 6640, 5438]
    assert (pairs["previous"] + pairs["next"] == pairs["bigram"]).all()
    row = pairs.set_index("bigram").loc["qu"]
    assert row["count"] == 206 and row["P(next | previous)"] == pytest.approx(207 / (272 + 27))


def test_keepdim_pitfall(lecture):
    at = open_page("counts", lecture)
    assert not at.get_by_key("no_keepdim").value and len(at.dataframe) == 2  # top bigrams, every pair
    at.toggle(key="no_keepdim").set_value(True).run()
    assert_clean(at)
    right, wrong = (np.array(trace["y"]) for trace in figure(at, "row_sums")["data"])
    assert np.allclose(right, 1) and not np.allclose(wrong, 1)
    assert np.allclose(wrong, probabilities_keepdim_bug(lecture.counts, 1).sum(1).numpy())
    assert "P.sum(1)  # (27,) acts as (1, 27)" in at.code[1].value
    samples = at.dataframe[1].value
    P, bug, v = probabilities(lecture.counts, 1), probabilities_keepdim_bug(lecture.counts, 1), lecture.vocab
    assert samples["sampled with keepdim=True"].tolist() == names(sample(P, v, 8, SEED))
    assert samples["sampled with keepdim=True"][1] == "cexze."  # the lecture's first name
    assert samples["sampled without keepdim"].tolist() == names(sample(bug, v, 8, SEED))
    assert samples["sampled without keepdim"].tolist() != samples["sampled with keepdim=True"].tolist()

    at.sidebar.number_input(key="seed").set_value(42).run()  # the sidebar's seed drives both columns
    assert at.dataframe[1].value["sampled with keepdim=True"].tolist() == names(sample(P, v, 8, 42))


def test_choices_survive_a_page_switch(lecture):
    at = open_page("counts", lecture, k="3")
    at.pills(key="row").set_value("q").run()
    at.segmented_control(key="colour").set_value("log").run()
    at.toggle(key="no_keepdim").set_value(True).run()
    at.switch_page("views/dataset.py").run()
    at.switch_page("views/counts.py").run()
    assert_clean(at)
    assert at.number_input(key="k").value == 3 and at.pills(key="row").value == "q"
    assert at.segmented_control(key="colour").value == "log" and at.toggle(key="no_keepdim").value


@pytest.fixture
def media(monkeypatch):
    """The media stores AppTest creates, so a test can read what a download button serves."""
    stores = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args):
            super().__init__(*args)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return stores


def downloaded(at, media, label_start: str) -> pd.DataFrame:
    button = next(b for b in at.get("download_button") if b.proto.label.startswith(label_start))
    content = media[-1].get_file(button.proto.url.rsplit("/", 1)[-1]).content
    return pd.read_csv(io.BytesIO(content), index_col=0, keep_default_na=False)


def test_csv_downloads(lecture, media):
    at = open_page("counts", lecture, k="0.5")
    itos = list(lecture.vocab.itos)
    N = downloaded(at, media, "N as CSV")
    assert N.index.tolist() == itos and N.columns.tolist() == itos
    assert np.array_equal(N.to_numpy(), lecture.counts.numpy()) and N.loc[".", "a"] == 4410
    P = downloaded(at, media, "P at k = 0.5")
    assert np.allclose(P.to_numpy(), probabilities(lecture.counts, 0.5).numpy()) and np.allclose(P.sum(axis=1), 1)


def test_bundled_list():
    at = open_page("counts")
    assert_clean(at)
    words = at.session_state["words"]
    assert np.sum(grid(at)) == words.n_bigrams == 32469 + sum(map(len, words.words))
    assert (grid(at, "top")[0][5], grid(at, "bottom")[0][5]) == (".e", str(int(words.counts[0, 5])))


def unicode_list(n_chars: int, copies: int = 1):
    """A word list whose vocabulary has n_chars characters besides '.', each word `copies` times."""
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [chr(c) for c in range(0xE0, 0xFF) if c != 0xF7]
    return parse_text("\n".join("".join(chars[i : i + 3]) for i in range(n_chars - 2) for _ in range(copies)))


def test_thirty_five_characters_are_labelled_where_the_screen_allows():
    words = unicode_list(34, copies=100)
    at = open_page("counts", words)
    assert_clean(at)
    assert len(words.vocab) == 35 and int(words.counts.max()) == 200
    assert (grid(at, "top")[0][1], grid(at, "bottom")[0][1]) == (".a", "100")
    assert heatmap_spec(at)["params"] == [{"name": "cell", "expr": "min(width, height) / 35"}]  # labels fit the cell


def test_many_characters_keep_every_cell_and_its_hover():
    words = unicode_list(56)
    at = open_page("counts", words)
    assert_clean(at)
    assert grid(at).shape == (57, 57) and np.array_equal(grid(at), words.counts.numpy())
    at.pills(key="row").set_value("ÿ").run()
    at.toggle(key="no_keepdim").set_value(True).run()
    assert_clean(at)
    assert len(figure(at, "row_sums")["data"][1]["y"]) == 57
    assert torch.equal(at.session_state["words"].counts, words.counts)


def test_order_3_shows_one_slice_of_the_trigram_counts(lecture, media):
    at = open_page("counts", lecture)
    at.segmented_control(key="order").set_value(3).run()
    assert_clean(at)
    assert at.selectbox(key="first").value == "a"  # the first character after '.'
    N3, v = ngram_counts(lecture.words, lecture.vocab, 3), lecture.vocab
    S = context_slice(N3, v, "a")  # (27, 27): row = the previous character, after 'a'
    assert np.array_equal(grid(at), S.numpy()) and int(S.sum()) == 27245
    n, dot = v.stoi["n"], v.stoi["."]
    assert (grid(at, "top")[n][dot], grid(at, "bottom")[n][dot]) == ("an.", str(int(S[n, dot])))  # trigram 'an.'
    assert grid(at, "trigram")[n][dot] == "an."  # hover names the trigram
    assert heatmap_spec(at)["encoding"]["y"]["title"] == "previous character, after 'a'"
    assert metric(at, "Trigrams counted") == "27,245"
    assert metric(at, "Never-seen trigrams") == f"{int((S == 0).sum())} of 729"
    assert metric(at, "Average NLL at k = 1") == f"{dataset_nll(probabilities(N3, 1), N3).nll:.4f}" == "2.2126"
    top = at.dataframe[0].value
    assert top.columns[0] == "trigram" and all(t.startswith("a") for t in top["trigram"])
    assert top["count"].iloc[0] == int(S.max()) == 1714 and top["trigram"].iloc[0] == "ah."  # sarah, hannah…
    assert any(c.value.startswith("'a.' never occurs in the word list") for c in at.caption)  # '.' ends a word
    at.pills(key="row").set_value("n").run()  # one row: P(next | 'an')
    assert np.allclose(figure(at, "row_chart")["data"][0]["y"], probabilities(S, 1)[n].numpy())
    assert any(c.value.startswith("'an' is followed 5,438 times") for c in at.caption)
    assert downloaded(at, media, "N as CSV").to_numpy().tolist() == S.tolist()


def test_the_start_slice_is_the_bigram_row_of_dot(lecture):
    """Trigrams '..x' are the bigrams '.x': the first letters of the words."""
    at = open_page("counts", lecture)
    at.segmented_control(key="order").set_value(3).run()
    at.selectbox(key="first").set_value(".").run()
    assert_clean(at)
    assert np.array_equal(grid(at)[0], lecture.counts[0].numpy())
    at.segmented_control(key="order").set_value(2).run()  # and back to the bigram matrix
    assert np.array_equal(grid(at), lecture.counts.numpy()) and metric(at, "Bigrams counted") == "228,146"


def test_order_3_too_large_for_the_vocabulary_says_so_and_draws_the_bigrams():
    words = parse_text("\n".join(chr(0x4E00 + i) * 2 for i in range(368)))  # V = 369: V³ cells, over limits.NGRAM_CELLS
    at = open_page("counts", words)
    at.segmented_control(key="order").set_value(3).run()
    assert_clean(at)
    assert len(at.error) == 1 and "over the 50,000,000-cell limit" in at.error[0].value
    assert np.array_equal(grid(at), words.counts.numpy()) and metric(at, "Bigrams counted")


def test_a_slice_with_no_trigrams_says_so():
    at = open_page("counts", parse_text("ab\n"))  # 'b' only ends the word: no context starts with it and goes on
    at.segmented_control(key="order").set_value(3).run()
    at.selectbox(key="first").set_value("b").run()
    assert_clean(at)
    assert metric(at, "Trigrams counted") == "0" and at.dataframe[0].value.empty
    assert any(c.value.startswith("'b.' never occurs in the word list") for c in at.caption)


# --- the address ---------------------------------------------------------------------------------------------


def test_every_setting_round_trips_through_the_url(lecture):
    query = {"k": "2", "colour": "log", "order": "3", "first": "q", "row": "u", "no_keepdim": "true"}
    at = open_page("counts", lecture, **query)
    assert_clean(at)
    assert not at.warning
    assert at.number_input(key="k").value == 2 and at.segmented_control(key="colour").value == "log"
    assert at.segmented_control(key="order").value == 3 and at.selectbox(key="first").value == "q"
    assert at.pills(key="row").value == "u" and at.toggle(key="no_keepdim").value
    S = context_slice(ngram_counts(lecture.words, lecture.vocab, 3), lecture.vocab, "q")
    assert np.array_equal(grid(at), S.numpy()) and colour_scale(at) == "symlog"
    assert any(c.value.startswith("'qu' is followed 206 times") for c in at.caption)
    assert figure(at, "row_sums")  # the pitfall is open
    assert kept_after_a_rerun(at, query)


def test_order_3_in_the_url_shows_the_trigram_slice(lecture):
    at = open_page("counts", lecture, order="3")
    assert_clean(at)
    assert metric(at, "Trigrams counted") == "27,245" and at.selectbox(key="first").value == "a"
    assert at.query_params["order"] == "3"


@pytest.mark.parametrize(
    "query, note",
    [
        ({"colour": "red"}, "?colour=red is not one of linear, log, so colour is linear."),
        ({"order": "4"}, "?order=4 is outside 2 to 3, so order is 3."),
        ({"order": "2.4"}, "?order=2.4 is not a whole number, so order is 2."),
        ({"order": "3", "first": "Q7"}, "?first=Q7 is not one of"),
        ({"row": "é"}, "?row=é is not one of"),
        ({"no_keepdim": "maybe"}, "?no_keepdim=maybe is neither true nor false, so no_keepdim is False."),
    ],
)
def test_a_value_the_view_cannot_show_gets_a_note(lecture, query, note):
    at = open_page("counts", lecture, **query)
    assert_clean(at)
    assert [w.value for w in at.warning if w.value.startswith(md(note))], [w.value for w in at.warning]


def test_a_hidden_control_is_not_drawn_but_its_value_applies(lecture):
    at = open_page("counts", lecture, colour="log", row="q", hide="colour,row")
    assert_clean(at)
    assert not drawn(at, "colour") and not drawn(at, "row") and drawn(at, "order")
    assert colour_scale(at) == "symlog"
    assert np.allclose(figure(at, "row_chart")["data"][0]["y"], probabilities(lecture.counts, 1)[17].numpy())


def test_parameters_the_view_does_not_know_are_dropped(lecture):
    at = open_page("counts", lecture, k="3", temperature="0.5", word="emma")
    assert_clean(at)
    assert "temperature" not in at.query_params and "word" not in at.query_params
    assert at.query_params["k"] == "3"
