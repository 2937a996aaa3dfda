"""Bigram Lab: a placeholder page until the dashboard lands (issue 3)."""
import streamlit as st

from bigram_core import bigram_counts, dataset_nll, load_bundled, probabilities

st.set_page_config(page_title="Bigram Lab", page_icon="🔤")
st.title("Bigram Lab")
st.write("The character-level bigram language model of makemore part 1. The dashboard is on its way; "
         "meanwhile, the bundled word list under the counts model with +1 smoothing:")
words = load_bundled()
N = bigram_counts(words.words, words.vocab)
st.metric("Average negative log-likelihood", f"{dataset_nll(probabilities(N, 1), N).nll:.4f}")
