import streamlit as st

st.title("breakdown")
st.info("This view is being built.")
