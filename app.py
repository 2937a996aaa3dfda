"""Bigram Lab: the router. Process settings, page config, the shared sidebar, and the views of makemore part 1.

The views live in views/, not pages/: a pages/ folder beside app.py switches Streamlit to its legacy
multipage mode, where a deep link such as /counts can run the view without this router and its sidebar.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    # `streamlit run app.py` imports this file to find its server, an st.App that runs this same file for every
    # session, behind ui/routes.py's redirect of paths deeper than a view (a blank page otherwise).
    from starlette.middleware import Middleware

    from ui.routes import DeepLinks

    app = st.App(__file__, middleware=[Middleware(DeepLinks)])
else:
    from ui import pages, presenter, process, sidebar, state, style, url

    process.tune()
    st.set_page_config(
        page_title="Bigram Lab", page_icon="🔤", layout="wide", initial_sidebar_state=presenter.sidebar_state()
    )
    style.apply()
    url.shown_controls().clear()
    url.carry(state.K)
    sidebar.render()
    pages.navigation().run()
    sidebar.share()
