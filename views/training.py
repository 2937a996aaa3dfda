import streamlit as st

st.title("training")
st.info("This view is being built.")
