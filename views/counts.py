import streamlit as st

st.title("counts")
st.info("This view is being built.")
