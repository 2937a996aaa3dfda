"""Bigram Lab: the router. Process settings, page config, the shared sidebar, and the views of makemore part 1.

The views live in views/, not pages/: a pages/ folder beside app.py switches Streamlit to its legacy
multipage mode, where a deep link such as /counts can run the view without this router and its sidebar.
"""
import streamlit as st

from ui import pages, process, sidebar

process.tune()
st.set_page_config(page_title="Bigram Lab", page_icon="🔤", layout="wide")
sidebar.render()
page = pages.navigation()
page.run()
sidebar.share()
