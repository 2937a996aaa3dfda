"""Uploads in the sidebar: a bad one says why in one sentence and keeps the loaded list and the trained net; a good
one replaces both; an upload as big as the cap is parsed in memory, never written to disk."""

import asyncio
import tempfile

import pytest
import torch
from starlette.requests import Request

from bigram_core import parse_text
from bigram_core.limits import VOCAB_CHARACTERS, WORD_LIST_BYTES
from tests.apptest import assert_clean, open_page
from ui import process

MINE = "emma\nolivia\nava\nisabella\nsophia\nmia\n"
UNICODE = "zoë\nrenée\njosé\nøyvind\n"

UPLOADS = [
    ("latin1.txt", "emma\nrené\n".encode("latin-1"), "latin1.txt is not UTF-8: line 2, byte 4 is 0xe9."),
    ("empty.txt", b"", "empty.txt has no words: it is empty or only blank lines."),
    ("blank.txt", b" \n\t\n\r\n", "blank.txt has no words"),
    ("binary.txt", bytes(range(256)) * 8, "binary.txt has a NUL byte on line 1: it looks like a binary file"),
    ("utf16.txt", "emma\nolivia\n".encode("utf-16"), "utf16.txt is UTF-16"),
    ("dot.txt", b"emma\na.b\n", "dot.txt, line 2: 'a.b' contains '.', which Bigram Lab reserves"),
    ("big.txt", b"a\n" * (WORD_LIST_BYTES // 2) + b"b", "big.txt is 20.0 MB, over the 20.0 MB limit for a word list."),
    (
        "many.txt",
        "\n".join(chr(0x4E00 + i) for i in range(VOCAB_CHARACTERS + 1)).encode(),
        "many.txt uses 501 different characters; Bigram Lab's tables have a row and a column for each",
    ),
]


@pytest.fixture
def trained():
    """The training view on a small list, with a net trained 3 steps."""
    at = open_page("training", parse_text(MINE, "mine.txt"))
    for _ in range(3):
        at.button(key="training_step").click().run()
    assert len(at.session_state["net"].records) == 3
    return at


@pytest.mark.parametrize("name, data, message", UPLOADS, ids=[u[0] for u in UPLOADS])
def test_a_bad_upload_says_why_and_keeps_the_list_and_the_net(trained, name, data, message):
    words, W = trained.session_state["words"], trained.session_state["net"].W.clone()
    trained.sidebar.file_uploader[0].set_value((name, data, "text/plain")).run()
    assert_clean(trained)
    assert len(trained.sidebar.error) == 1 and message in trained.sidebar.error[0].value
    assert trained.session_state["words"] is words
    net = trained.session_state["net"]
    assert net.digest == words.digest and len(net.records) == 3 and torch.equal(net.W, W)
    trained.button(key="training_step").click().run()  # and the app carries on from there
    assert_clean(trained)
    assert len(trained.session_state["net"].records) == 4 and not trained.sidebar.error


def test_a_good_upload_replaces_the_list_and_drops_the_old_net(trained):
    trained.sidebar.file_uploader[0].set_value(("unicode.txt", UNICODE.encode(), "text/plain")).run()
    assert_clean(trained)
    assert trained.session_state["words"].words[0] == "zoë" and "net" not in trained.session_state
    assert "unicode.txt" in trained.sidebar.markdown[1].value


@pytest.mark.internals  # starlette spools a form past spool_max_size to tempfile.TemporaryFile
def test_an_upload_is_parsed_in_memory_never_spooled_to_disk(monkeypatch):
    """Streamlit's upload route parses with starlette, which spools past 1 MB to a temporary file; the app raises
    that limit to the word-list cap."""
    process.tune()  # app.py's first call; idempotent

    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_disk)
    content = b"emma\n" * (WORD_LIST_BYTES // 5)  # the largest list an upload may be
    boundary = "bigramlab"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="names.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    scope = {
        "type": "http",
        "method": "PUT",
        "headers": [
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    chunks = iter([body[i : i + 2**16] for i in range(0, len(body), 2**16)])

    async def receive():
        chunk = next(chunks, b"")
        return {"type": "http.request", "body": chunk, "more_body": bool(chunk)}

    async def parse():
        form = await Request(scope, receive).form()
        return await form["file"].read()

    assert asyncio.run(parse()) == content
