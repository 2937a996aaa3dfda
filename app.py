"""Bigram Lab: the router. Page config, the shared sidebar, and the seven views of makemore part 1.

The views live in views/, not pages/: a pages/ folder beside app.py switches Streamlit to its legacy
multipage mode, where a deep link such as /counts can run the view without this router and its sidebar.
"""
import streamlit as st
import torch
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    # `streamlit run app.py` imports this file to find its server, an st.App that runs this same file for every
    # session, behind ui/routes.py's redirect of paths deeper than a view (a blank page otherwise).
    from starlette.middleware import Middleware

    from ui.routes import DeepLinks

    app = st.App(__file__, middleware=[Middleware(DeepLinks)])
else:
    from ui import process, sidebar  # noqa: F401 -- process: the server's memory settings, once (see there)

    # One torch thread per server process: the tensors are tiny, and on 2 cores threads only contend.
    torch.set_num_threads(1)

    st.set_page_config(page_title="Bigram Lab", page_icon="🔤", layout="wide")
    sidebar.render()
    page = st.navigation([
        st.Page("views/dataset.py", title="Dataset", icon=":material/list:", default=True),
        st.Page("views/counts.py", title="Counts", icon=":material/grid_on:", url_path="counts"),
        st.Page("views/breakdown.py", title="Breakdown", icon=":material/troubleshoot:", url_path="breakdown"),
        st.Page("views/training.py", title="Training", icon=":material/model_training:", url_path="training"),
        st.Page("views/smoothing.py", title="Smoothing vs regularisation", icon=":material/blur_on:", url_path="smoothing"),
        st.Page("views/generator.py", title="Name generator", icon=":material/auto_awesome:", url_path="generator"),
        st.Page("views/exercises.py", title="Exercises", icon=":material/school:", url_path="exercises"),
    ])
    page.run()
