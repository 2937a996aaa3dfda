"""Exercises (/exercises): the lecture's E01–E05, each answered by a measurement on the loaded word list.

The sections are drawn by ui/exercises.py."""

import streamlit as st

from ui import exercises as ex
from ui import state, url
from ui.format import md

words = state.words()
st.title("Exercises")
st.write(
    "The lecture's exercises E01–E05, each answered by measuring it on "
    f"**{md(words.name)}**: the models are fitted on a train part, settings are chosen on a dev part, "
    "and the test part is scored once, for the chosen setting only."
)
url.keep_only(
    ex.SPLIT_SEED_PARAM.key,
    ex.DEDUPE.key,
    ex.COMPARED.key,
    "sample_order",
    ex.TUNED.key,
    ex.TUNE_ORDER.key,
    ex.MAX_LOGIT.key,
)
seed, dedupe = ex.split_settings()
used, parts = ex.the_split(words, seed, dedupe)
settings = (words.digest, seed, dedupe)
ex.e01_context(parts, settings)
ex.e02_split(parts)
ex.e03_tuning(parts, settings)
W, net = state.net_weights()
xs, ys, measured = ex.lookup_examples(used, words.vocab)
lookups = ex.e04_lookup(W, xs, ys, measured, net, words.digest)
ex.e05_cross_entropy(W, xs, ys, lookups)
