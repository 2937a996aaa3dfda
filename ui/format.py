"""Text for people: numbers (infinity spelled ∞, 4 decimals), sizes, and user text made literal.

Words, file names, typed text and the URL's ?word= are the user's: a page shows them as they are, never
as markup. Streamlit renders st.markdown, st.caption, st.error, metric labels and values, and tooltips
as markdown, where `![x](https://…)` loads an image from anywhere and `[x](https://…)` is a disguised
link; plotly renders chart text as HTML, where `<a href=…>` is a link. md(), code() and plotly_text()
keep such text literal.
"""

import html
import math
import re

# Inline markdown that user text could open: emphasis, code, strikethrough, links and images, raw HTML and
# autolinks in <…>, LaTeX, headings, entities. Other punctuation (' , . ( ) > …) is left alone: it cannot
# start markup once these are escaped, and sentences with it read the same in the page and in tests.
_MARKUP = re.compile(r"([\\`*_~\[\]<$#&])")
_BLOCK_MARKER = re.compile(r"^\s*(?:[-+>]|\d+[.)])")  # "- x", "+ x", "1. x", "1) x" open a list, "> x" a quote
WORD_JOINER = "\u2060"  # invisible; it splits what Streamlit would read as an icon, an emoji or a bare link
# ':' before text (":material/home:", ":smile:", "https://"), '@' before text (an e-mail address) and "www."
# become links or icons even when backslash-escaped, so a joiner breaks them up instead.
_AUTOLINK = re.compile(r"(?<=[:@])(?=\S)|(?i:(?<=www)(?=\.))")


def md(text: str) -> str:
    """`text` as literal characters in Streamlit markdown, on one line."""
    text = " ".join(str(text).splitlines())
    text = _MARKUP.sub(r"\\\1", text)
    text = _BLOCK_MARKER.sub(lambda marker: marker[0][:-1] + "\\" + marker[0][-1], text, count=1)
    return _AUTOLINK.sub(WORD_JOINER, text)


def code(text: str) -> str:
    """`text` as an inline code span, whatever backticks it contains."""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plotly_text(text: str) -> str:
    """`text` for a plotly title, label or hover text, which plotly reads as HTML."""
    return html.escape(text, quote=False)


def num(x: float, digits: int = 4) -> str:
    """x to `digits` decimals; ±∞ as the symbol, so an impossible word reads as ∞, not 'inf'."""
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}f}"


def size(nbytes: int) -> str:
    if nbytes < 1024:
        return count(nbytes, "byte")
    return f"{nbytes / 2**20:.1f} MB" if nbytes >= 100_000 else f"{nbytes / 1024:.1f} KB"


def count(n: int, noun: str) -> str:
    """1 word, 2 words, 32,033 words."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


_URL = re.compile(r"https?://\S+?(?=[.,;:)]?(?:\s|$))")


def md_with_urls(text: str) -> str:
    """md(text), with each address as a code span: md() splits an address with an invisible joiner, which
    would break it when copied, and a code span needs none."""
    parts = _URL.split(text)
    urls = _URL.findall(text)
    return "".join(
        md(part) + (code(url) if i < len(urls) else "") for i, (part, url) in enumerate(zip(parts, urls + [""]))
    )


def significant(x: float, digits: int = 3) -> str:
    """x to `digits` significant figures, with thousands separators: 5.25, 61,700."""
    return f"{float(f'{x:.{digits}g}'):,g}"
