"""The app driven from outside, shared by tests/ and benchmarks/ (neither imports the other): a served app on
loopback (browser.py, st_server.py), headless chromium (browser.py), Streamlit's websocket protocol without a
browser (st_client.py) and a memory probe inside the server (probed_streamlit.py). Not part of the package."""
