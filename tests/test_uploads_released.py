"""An upload's bytes leave Streamlit's uploaded-file manager once the list is parsed, so nothing a
departed student uploaded stays held, whatever happens to their session afterwards."""

import asyncio

import pytest

from harness.st_client import Session
from harness.st_server import app_server


def held_upload_bytes(server) -> float:
    """Bytes Streamlit's uploaded-file manager holds, from its own gauge."""
    return sum(
        v
        for name, v in server.metrics().items()
        if name.startswith("cache_memory_bytes") and "UploadedFileManager" in name
    )


pytestmark = pytest.mark.slow  # a served app, and students who wait out its reconnect window


@pytest.fixture(scope="module")
def server():
    with app_server(options={"server.disconnectedSessionTTL": "2"}) as s:
        yield s


def word_list(n: int, index: int) -> bytes:
    """`n` words (~10 bytes each) that no other student's list has."""
    return "\n".join(f"s{index}w{i:07d}" for i in range(n)).encode()


async def upload_and_stay(base_url: str, index: int, stay: float) -> None:
    async with Session(base_url, "/", timeout=60) as s:
        await s.upload("upload", f"list-{index}.txt", word_list(20_000, index))
        assert not s.exceptions
        await asyncio.sleep(stay)


def test_an_upload_is_let_go_once_parsed_and_never_held_after_the_student_leaves(server):
    async def scenario():
        # three students upload and stay a moment; the gauge is read while they are still connected
        students = [asyncio.create_task(upload_and_stay(server.base_url, i, stay=8)) for i in range(3)]
        await asyncio.sleep(6)
        during = held_upload_bytes(server)
        await asyncio.gather(*students)
        return during

    during = asyncio.run(scenario())
    assert during < 10_000, f"{during:,.0f} bytes of uploads held while the students are connected"
    asyncio.run(asyncio.sleep(4))  # past the 2 s reconnect window
    assert held_upload_bytes(server) < 10_000
