import streamlit as st

st.title("generator")
st.info("This view is being built.")
