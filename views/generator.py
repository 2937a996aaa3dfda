"""Name generator (/generator): names from the counts model, the trained net or uniform; one name draw by draw.

Every setting is in the address, e.g. /generator?from=net&n=5&temperature=0.5&prefix=ka.
The sections are drawn by ui/name_generator.py.
"""

import streamlit as st

from bigram_core.sampling import SAMPLER_NOTE
from ui import name_generator as gen
from ui import notebook, state, url

st.title("Name generator")
st.write(
    "New names drawn one character at a time: start at '.', draw the next character from that row of P, "
    "and stop when '.' is drawn."
)
gen.model_alias()
url.keep_only(gen.FROM.key, gen.HOW_MANY.key, gen.PREFIX.key, gen.TEMPERATURE.key, gen.LONGEST.key, gen.SAMPLER.key)
words = state.words()
chosen = gen.settings()
P, about = gen.model_probs(chosen["model"], chosen["k"], words)
st.caption(f"Model: {about}")
st.caption(f"Sampler: {SAMPLER_NOTE}")
if samples := gen.drawn(P, words, chosen):
    gen.summary(samples, P, words)
    gen.names_and_trace(samples, P, words, chosen["sampler"])
    notebook.offer("generator", words, **chosen, net=notebook.net_settings())
