import streamlit as st

st.title("dataset")
st.info("This view is being built.")
