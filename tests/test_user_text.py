"""User text stays text: words, file names and addresses with markdown or HTML are shown literally in every view,
in markdown and in plotly charts; no view renders HTML."""

import json
import re
from pathlib import Path

import pytest

from tests.apptest import assert_clean, open_page
from ui.format import code, md, plotly_text
from ui.pages import NAMES as PAGES

ROOT = Path(__file__).resolve().parents[1]

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
