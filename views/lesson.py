"""Lesson (/lesson?chapter=N): the lecture in its own order, one chapter per step.

Each chapter is a sentence, a short cell of PyTorch that runs (bigram_core.lesson), the picture of what it
made and the numbers it printed, in large type. The chapter number lives in the URL, so a teacher can send one.
"""

import streamlit as st

from bigram_core import WordList
from bigram_core.lesson import CHAPTERS, PROVIDED, Run, chapter, defined_in, fill, run
from bigram_core.sampling import SAMPLER_NOTE, SAMPLERS
from ui import presenter, state, url
from ui.format import md
from ui.lesson_pictures import draw

LAST = len(CHAPTERS)
OUTPUT_LINES = 12  # a longer output (the 100 losses) scrolls in a box this many lines high
CHAPTER = url.Number("chapter", 1, 1, LAST, integer=True)
SAMPLER = url.Choice("sampler", "torch", SAMPLERS)  # the Name generator's key: one sampler for the app


@state.word_list_cache(max_entries=64)
def cell(digest: str, number: int, sampler: str, _words: WordList) -> Run:
    """Chapter `number`'s cell run on the word list `digest` names: cached, as the slowest takes seconds."""
    return run(number, _words.words, sampler)


def go(number: int) -> None:
    """Button and chapter-list callback: the URL carries the chapter, the rerun reads it from there."""
    st.query_params["chapter"] = str(number)


def current() -> int:
    """The chapter ?chapter= names, snapped to one that exists (url.bind notes a snap); the address then says
    the chapter shown, "9" for "09"."""
    number = int((url.parsed(CHAPTER) or (CHAPTER.default, None))[0])
    go(number)
    return number


# Previous / the chapter list / Next; ← and → turn the page as well. Returns the chapter shown.
def navigation() -> int:
    number = current()
    prev, pick, nxt = st.columns([1, 4, 1], vertical_alignment="bottom")
    prev.button(
        "Previous",
        on_click=go,
        args=(number - 1,),
        disabled=number == 1,
        shortcut="left",
        width="stretch",
        key="lesson_prev",
    )
    nxt.button(
        "Next",
        on_click=go,
        args=(number + 1,),
        disabled=number == LAST,
        shortcut="right",
        type="primary",
        width="stretch",
        key="lesson_next",
    )
    st.session_state["lesson_chapter"] = number  # the list follows the URL (Previous, Next, a link)
    pick.selectbox(
        "Chapter",
        range(1, LAST + 1),
        key="lesson_chapter",
        label_visibility="collapsed",
        format_func=lambda n: f"Chapter {n} of {LAST}: {CHAPTERS[n - 1].title}",
        on_change=lambda: go(st.session_state["lesson_chapter"]),
    )
    return number


# What the cell finds already defined, and where the lesson defined it.
def provided(number: int) -> str:
    ch = chapter(number)
    given = [f"{PROVIDED[n].names} (chapter {defined_in(n)})" for n in ch.needs if defined_in(n) != number]
    return "Defined earlier: " + "; ".join(given) + ". " if given else ""


# The numbers the cell printed, in large type: four to a row, fewer when they are long.
def metrics(result: Run, where) -> None:
    longest = max((len(value) for _, value in result.metrics), default=0)
    columns = where.columns(min(len(result.metrics), 4 if longest <= 7 else 2 if longest <= 12 else 1) or 1)
    for i, (label, value) in enumerate(result.metrics):
        shown = {"inf": "∞", "-inf": "−∞"}.get(value, value)  # the printed inf, as the lesson's text calls it
        columns[i % len(columns)].metric(md(label), md(shown))


def main() -> None:
    words = state.words()
    url.keep_only(CHAPTER.key, SAMPLER.key)
    number = url.control(CHAPTER, navigation, "Chapters: the list, Previous and Next")
    ch = chapter(number)
    st.title(f"{number}. {ch.title}", anchor=False)
    st.write(md(fill(ch.text, words.words)))
    sampler = "torch"
    if ch.draws:
        with presenter.controls():
            control, note = st.columns([1, 3], vertical_alignment="center")
            sampler = url.widget(
                SAMPLER, control.segmented_control, "Sampler", SAMPLERS, default="torch", required=True
            )
            note.caption(SAMPLER_NOTE)
    with st.spinner("Running the cell …" + (" a Python loop over every bigram takes seconds." if ch.loops else "")):
        result = cell(words.digest, number, sampler, words)
    if result.sample:
        st.info(
            f"This cell loops in Python over every bigram, so here it runs on the first {result.sample:,} of the "
            f"{len(words.words):,} words (`words` is that sample)."
        )
    st.code(result.code, language="python", wrap_lines=True)
    st.caption(md(provided(number) + "Imported: torch, torch.nn.functional as F, numpy as np."))
    output, numbers = st.columns([1, 2], gap="large")
    output.caption("Output")
    tall = result.output.count("\n") > OUTPUT_LINES
    output.code(
        result.output.rstrip("\n"), language="text", wrap_lines=True, height=24 * OUTPUT_LINES if tall else "content"
    )
    metrics(result, numbers)
    draw(ch.picture, result, words)


main()
