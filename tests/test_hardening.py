"""Bad input wherever it enters, word lists of every shape, user text kept literal, caches that forget a
student's upload, sessions that share no tensor, and the server settings that back them (issue 5).

Every case asserts what the user is told and that no exception reached the page.
"""

import asyncio
import json
import re
import tempfile
import threading
import tomllib
from pathlib import Path

import pytest
import torch
from streamlit.runtime.caching.cache_data_api import _data_caches

from bigram_core import MAX_BYTES, SEED, fit, load_bundled, parse_text
from bigram_core.data import MAX_CHARACTERS
from bigram_core.lesson import CHAPTERS
from tests.apptest import assert_clean, open_page, run_until_done
from ui.format import code, md, plotly_text
from ui.pages import NAMES

ROOT = Path(__file__).resolve().parents[1]
PAGES = NAMES
LISTS = {
    "unicode": "zoë\nrenée\njosé\nøyvind\nåsa\nçelik\nnuño\nmaría\n",
    "tiny": "anna\nbob\ncy\n",
    "two words": "ab\nba\n",
    "no q, x or z": "emma\nolivia\nava\nisabella\nsophia\nmia\ncharlotte\namelia\nevelyn\nabigail\nharper\nemily\n",
}


def words_of(name: str):
    return parse_text(LISTS[name], f"{name}.txt")


def messages(at) -> list[str]:
    """Everything the page says in a box: errors, warnings and notes."""
    return [e.value for e in (*at.error, *at.warning, *at.info)]


# --- every view on every shape of list ----------------------------------------------------------------------


def use_the_list(at, page: str, words) -> None:
    """Work the view with the list's own words and characters, as a student would."""
    first, last_char = words.words[0], words.vocab.itos[-1]
    if page == "dataset":
        at.text_input(key="dataset_word").input(first).run()
        assert at.dataframe[1].value["bigram"].tolist()[0] == "." + first[0]
    elif page == "counts":
        at.pills(key="row").set_value(last_char).run()
        at.segmented_control(key="order").set_value(3).run()
        at.selectbox(key="first").set_value(first[0]).run()
        at.segmented_control(key="colour").set_value("log").run()
        at.toggle(key="no_keepdim").set_value(True).run()
        assert at.get_by_key("heatmap") is not None and at.metric[0].label == "Trigrams counted"
    elif page == "breakdown":
        at.text_input(key="word").input(first).run()
        at.text_input(key="compare").input(", ".join(words.words)).run()
        at.number_input(key="k").set_value(0.0).run()
        at.radio(key="model").set_value("net").run()
        assert not at.error and len(at.dataframe) == 2
    elif page == "training":
        at.text_input(key="word").input(first).run()
        at.number_input(key="steps").set_value(20).run()
        at.button(key="training_start").click().run()
        run_until_done(at)
        assert len(at.session_state["net"].records) == 20
    elif page == "smoothing":
        at.selectbox(key="smoothing_row").set_value(last_char).run()
        at.number_input(key="k").set_value(0.0).run()
    elif page == "generator":
        at.text_input(key="prefix").input(first[0]).run()
        at.radio(key="from").set_value("net").run()
        assert all(name.startswith(first[0]) for name in at.dataframe[0].value["name"])
    elif page == "exercises":
        at.toggle(key="dedupe").set_value(True).run()
    elif page == "lesson":  # every chapter's cell runs on the list's own words
        for n in range(1, len(CHAPTERS) + 1):
            at.selectbox(key="lesson_chapter").set_value(n).run()
            assert_clean(at)
            assert at.metric and all(m.value for m in at.metric), n


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("shape", list(LISTS))
def test_every_view_works_on_every_shape_of_list(page, shape):
    words = words_of(shape)
    at = open_page(page, words)
    assert_clean(at)
    use_the_list(at, page, words)
    assert_clean(at)
    assert not [m for m in messages(at) if "not in the vocabulary" in m and words.words[0] in m]
    if page == "exercises" and shape in ("tiny", "two words"):  # too few words for a dev and a test part
        assert any("a split needs at least 10 words" in m for m in messages(at))


def test_choices_a_new_list_cannot_honour_fall_back():
    """'q' picked on the bundled list, then a list without 'q': the pickers go back to their defaults."""
    at = open_page("counts")
    at.pills(key="row").set_value("q").run()
    at.segmented_control(key="order").set_value(3).run()
    at.selectbox(key="first").set_value("q").run()
    at.switch_page("views/smoothing.py").run()
    at.selectbox(key="smoothing_row").set_value("q").run()
    at.sidebar.file_uploader[0].set_value(("no_q.txt", LISTS["no q, x or z"].encode(), "text/plain")).run()
    assert_clean(at)
    assert "q" not in at.session_state["words"].vocab.stoi and at.selectbox(key="smoothing_row").value != "q"
    at.switch_page("views/counts.py").run()
    assert_clean(at)
    assert at.pills(key="row").value != "q" and at.selectbox(key="first").value != "q"


# --- bad input, widget by widget ----------------------------------------------------------------------------


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


# --- bad uploads keep the list and the net ------------------------------------------------------------------

UPLOADS = [
    ("latin1.txt", "emma\nrené\n".encode("latin-1"), "latin1.txt is not UTF-8: line 2, byte 4 is 0xe9."),
    ("empty.txt", b"", "empty.txt has no words: it is empty or only blank lines."),
    ("blank.txt", b" \n\t\n\r\n", "blank.txt has no words"),
    ("binary.txt", bytes(range(256)) * 8, "binary.txt has a NUL byte on line 1: it looks like a binary file"),
    ("utf16.txt", "emma\nolivia\n".encode("utf-16"), "utf16.txt is UTF-16"),
    ("dot.txt", b"emma\na.b\n", "dot.txt, line 2: 'a.b' contains '.', which Bigram Lab reserves"),
    ("big.txt", b"a\n" * (MAX_BYTES // 2) + b"b", "big.txt is 20.0 MB, over the 20.0 MB limit for a word list."),
    (
        "many.txt",
        "\n".join(chr(0x4E00 + i) for i in range(MAX_CHARACTERS + 1)).encode(),
        "many.txt uses 501 different characters; Bigram Lab's tables have a row and a column for each",
    ),
]


@pytest.fixture
def trained():
    """The training view on a small list, with a net trained 3 steps."""
    at = open_page("training", parse_text(LISTS["no q, x or z"], "mine.txt"))
    for _ in range(3):
        at.button(key="training_step").click().run()
    assert len(at.session_state["net"].records) == 3
    return at


@pytest.mark.parametrize("name, data, message", UPLOADS, ids=[u[0] for u in UPLOADS])
def test_a_bad_upload_says_why_and_keeps_the_list_and_the_net(trained, name, data, message):
    words, W = trained.session_state["words"], trained.session_state["net"].W.clone()
    trained.sidebar.file_uploader[0].set_value((name, data, "text/plain")).run()
    assert_clean(trained)
    assert len(trained.sidebar.error) == 1 and message in trained.sidebar.error[0].value
    assert trained.session_state["words"] is words
    net = trained.session_state["net"]
    assert net.digest == words.digest and len(net.records) == 3 and torch.equal(net.W, W)
    trained.button(key="training_step").click().run()  # and the app carries on from there
    assert_clean(trained)
    assert len(trained.session_state["net"].records) == 4 and not trained.sidebar.error


def test_a_good_upload_replaces_the_list_and_drops_the_old_net(trained):
    trained.sidebar.file_uploader[0].set_value(("unicode.txt", LISTS["unicode"].encode(), "text/plain")).run()
    assert_clean(trained)
    assert trained.session_state["words"].words[0] == "zoë" and "net" not in trained.session_state
    assert "unicode.txt" in trained.sidebar.markdown[1].value


# --- user text stays text -----------------------------------------------------------------------------------

HOSTILE_NAME = "![x](http://127.0.0.1:9/pixel.png)[click](http://evil) $x$ :material/home: <b>b</b>.txt"
HOSTILE_WORDS = [
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "[click](http://evil)",
    "![img](http://evil/x)",
    ":material/home:",
    "*bold* _it_ ~x~ $y$",
    "emma",
]
UNESCAPED = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)<(?:iframe|script|b>)|:material/|(?<!\\)\$y|(?<!\\)\*bold")


def rendered_text(at) -> list[str]:
    """Every piece of text the page renders as markdown."""
    texts = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "subheader")
        for e in getattr(at, kind)
    ]
    return texts + [part for m in at.metric for part in (m.label, m.value, m.proto.delta, m.proto.help)]


def chart_text(chart) -> list[str]:
    """Every string of a plotly chart's figure."""

    def strings(obj):
        if isinstance(obj, str):
            yield obj
        elif isinstance(obj, dict):
            for value in obj.values():
                yield from strings(value)
        elif isinstance(obj, list):
            for value in obj:
                yield from strings(value)

    return list(strings(json.loads(chart.proto.spec)))


@pytest.mark.parametrize("page", PAGES)
def test_a_hostile_list_and_file_name_are_shown_as_text(page):
    hostile = "\n".join(HOSTILE_WORDS).encode()
    at = open_page(page, word=HOSTILE_WORDS[0], compare=", ".join(HOSTILE_WORDS))
    at.sidebar.file_uploader[0].set_value((HOSTILE_NAME, hostile, "text/plain")).run()
    assert at.session_state["words"].words == tuple(HOSTILE_WORDS)
    if page == "dataset":
        at.text_input(key="dataset_word").input(HOSTILE_WORDS[1]).run()
    if page == "training":
        at.text_input(key="word").input(HOSTILE_WORDS[2]).run()
    if page == "counts":
        at.pills(key="row").set_value("*").run()
    assert_clean(at)
    shown = rendered_text(at)
    assert any("click" in text for text in shown)  # the name at least is on every page
    assert not [text for text in shown if UNESCAPED.search(text)]
    for chart in at.get("plotly_chart"):  # plotly reads text as HTML
        assert not [text for text in chart_text(chart) if "<iframe" in text or "<b>b" in text]
    if page == "breakdown":  # the hostile words are the compare chart's labels
        assert "&lt;iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'&gt;" in chart_text(at.get("plotly_chart")[1])


@pytest.mark.parametrize(
    "text, shown",
    [
        ("zoë, anne-marie, o'brien", "zoë, anne-marie, o'brien"),  # ordinary text is left as it is
        ("![x](http://evil/p.png)", "!\\[x\\](http:\u2060//evil/p.png)"),
        ("[click](https://evil)", "\\[click\\](https:\u2060//evil)"),
        ("<iframe srcdoc='x'>", "\\<iframe srcdoc='x'>"),
        ("*a* _b_ `c` ~d~ $e$ # & \\", "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\$e\\$ \\# \\& \\\\"),
        ("- item", "\\- item"),
        ("1. one", "1\\. one"),
        ("> quote", "\\> quote"),
        ("a > b", "a > b"),
        (
            ":material/home: www.evil.example me@evil.example",
            ":\u2060material/home: www\u2060.evil.example me@\u2060evil.example",
        ),  # icons and bare links, broken up
        ("two\nlines", "two lines"),
    ],
)
def test_md_keeps_user_text_literal(text, shown):
    """What md() gives was checked in Chromium: it displays as the text itself, with no link, image or icon."""
    assert md(text) == shown


def test_code_and_plotly_text():
    assert code("emma.") == "`emma.`" and code("a`b") == "``a`b``" and code("`x") == "`` `x ``"
    assert plotly_text("<a href='x'>&</a>") == "&lt;a href='x'&gt;&amp;&lt;/a&gt;"


def test_no_view_renders_html():
    """Only ui/style.py inserts HTML, and only the app's own static stylesheets."""
    for path in [ROOT / "app.py", *ROOT.glob("views/*.py"), *ROOT.glob("ui/**/*.py")]:
        source = path.read_text()
        assert "unsafe_allow_html" not in source and "unsafe_allow_javascript" not in source, path
        if path.name != "style.py":
            assert "st.html(" not in source, path
    calls = re.findall(r"st\.html\((.*)\)", (ROOT / "ui" / "style.py").read_text())
    assert calls and all(re.fullmatch(r'HERE / "\w+\.css"', call) for call in calls), calls


# --- uploads stay in the session ----------------------------------------------------------------------------


def cache_entries() -> dict[str, int]:
    """Entries in st.cache_data's caches: "global" ones, and those scoped to some session."""
    counts = {"global": 0, "session": 0}
    for session, caches in _data_caches._function_caches.items():  # Streamlit's registry of caches
        counts["global" if session is None else "session"] += sum(
            len(stats) for cache in caches.values() for stats in cache.get_stats().values()
        )
    return counts


def test_an_uploaded_list_is_cached_for_its_session_only():
    import streamlit as st

    at = open_page("dataset", parse_text(LISTS["tiny"], "x.txt"))
    at.sidebar.file_uploader[0].set_value(("mine.txt", LISTS["unicode"].encode(), "text/plain")).run()
    st.cache_data.clear()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert_clean(at)
    assert at.session_state["words_uploaded"]
    entries = cache_entries()
    assert entries["global"] == 0 and entries["session"] > 0
    at.sidebar.button[-1].click().run()  # the bundled list: a list the server provides is shared again
    at.switch_page("views/dataset.py").run()
    assert not at.session_state["words_uploaded"] and cache_entries()["global"] > 0


# apptest: it passes only after a view has run in AppTest (it fails run alone, before this branch too)
@pytest.mark.apptest
def test_an_upload_is_parsed_in_memory_never_spooled_to_disk(monkeypatch):
    """Streamlit's upload route parses with starlette, which spools past 1 MB to a temporary file."""
    from starlette.requests import Request

    import ui.sidebar  # noqa: F401  (it raises starlette's in-memory limit to the word-list cap)

    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_disk)
    content = b"emma\n" * (MAX_BYTES // 5)  # the largest list an upload may be
    boundary = "bigramlab"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="names.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    scope = {
        "type": "http",
        "method": "PUT",
        "headers": [
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    chunks = iter([body[i : i + 2**16] for i in range(0, len(body), 2**16)])

    async def receive():
        chunk = next(chunks, b"")
        return {"type": "http.request", "body": chunk, "more_body": bool(chunk)}

    async def parse():
        form = await Request(scope, receive).form()
        return await form["file"].read()

    assert asyncio.run(parse()) == content


# --- sessions share no tensor -------------------------------------------------------------------------------


def test_two_sessions_train_their_own_net():
    words = load_bundled()
    a, b = open_page("training", words), open_page("training", words)
    for _ in range(3):
        a.button(key="training_step").click().run()
    b.number_input(key="lr").set_value(10.0).run()
    b.button(key="training_step").click().run()
    Wa, Wb = a.session_state["net"].W, b.session_state["net"].W
    assert torch.allclose(Wa, fit(words.counts, steps=3, seed=SEED)[0])
    assert torch.allclose(Wb, fit(words.counts, steps=1, lr=10.0, seed=SEED)[0])
    assert Wa.untyped_storage().data_ptr() != Wb.untyped_storage().data_ptr()


def test_a_cached_tensor_is_a_fresh_copy_for_every_reader():
    """What a cache hands out can be changed by its reader without reaching the next one."""
    from ui import state

    words = load_bundled()
    first = state._lecture_weights(words.digest, SEED, words.counts)
    first += 100  # a careless reader
    again = state._lecture_weights(words.digest, SEED, words.counts)
    assert torch.allclose(again, fit(words.counts, seed=SEED)[0])


def test_torch_runs_one_thread_in_every_thread_after_the_app_starts():
    """torch.set_num_threads sets the default every thread takes up when it first runs torch: app.py calls it
    in its script thread, and a thread started afterwards (another session's script) computes with one."""
    torch.set_num_threads(2)
    assert_clean(open_page("dataset"))
    seen = {}
    thread = threading.Thread(target=lambda: seen.setdefault("threads", torch.get_num_threads()))
    thread.start()
    thread.join()
    assert seen["threads"] == 1


# --- the server's settings ----------------------------------------------------------------------------------


def test_the_server_process_frees_memory_promptly_and_cheaply():
    """A full collection after every script run, cheap because the libraries' objects are frozen; malloc capped
    at two arenas (ui/process.py says why)."""
    import gc
    import platform

    from ui import process

    process.tune()  # app.py's first call; idempotent
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is True
    assert gc.get_freeze_count() > 100_000  # torch, plotly, pandas and streamlit: ~250,000 objects
    if platform.libc_ver()[0] == "glibc":
        assert process.cap_malloc_arenas(process.glibc(), process.ARENAS)


def test_server_settings():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server, client = config["server"], config["client"]
    assert server["maxUploadSize"] * 1024 * 1024 == MAX_BYTES  # Streamlit reads it as MiB: the same cap, exactly
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert {"localhost", "127.0.0.1"} <= set(server["allowedHosts"]) and "*" not in server["allowedHosts"]
    assert client["showErrorDetails"] in ("type", "none")
