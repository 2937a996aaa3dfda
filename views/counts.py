"""Counts (/counts): the count matrix N as the lecture draws it, P = (N + k) / row sums, and the keepdim pitfall.

At order n = 3 the counts are a V²×V table, one row per two-character context; the view shows the V×V slice
whose contexts start with a chosen character, drawn and read like the bigram matrix.

The sections are drawn by ui/count_matrix.py.
"""

import streamlit as st

from bigram_core import probabilities
from ui import count_matrix as cm
from ui import notebook, state, url

words = state.words()
st.title("Counts")
st.write(
    "**N[i, j]** counts how often character j follows character i in the word list; normalising each row "
    "gives the bigram model **P(next | previous)**. At order n = 3 the context is the two previous characters."
)
url.keep_only(cm.COLOUR.key, cm.ORDER.key, "first", "row", cm.NO_KEEPDIM.key)
k, log, first = cm.settings(words.vocab)
N, context, nll = cm.counted(words, first, k)
P = probabilities(N, k)  # (V, V): each row sums to 1
cm.metrics(N, words.vocab, context, k, nll)
downloads = cm.heatmap(N, P, words.vocab, context, log, k)
prev = cm.one_row(N, P, words.vocab, context, k)
if not context:  # the notebook rebuilds the bigram model; n = 3 is the app's own extension
    notebook.offer("counts", words, where=downloads, k=k, row=prev)
cm.keepdim_pitfall(words.counts, words.vocab, k, sliced=bool(context))
cm.every_count(N, P, words.vocab, context)
