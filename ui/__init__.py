"""Streamlit-side helpers shared by the pages: session state, the sidebar, charts, number formatting."""
