import streamlit as st

st.title("smoothing")
st.info("This view is being built.")
