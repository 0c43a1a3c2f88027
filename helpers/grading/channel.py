"""The one channel from the grader's worker to the grader: framed messages on a pipe.

The grader creates a pipe, keeps its read end, and hands the write end to the worker
process as an inherited file descriptor; no file is ever written for the grader to read.
Each message is a frame: the magic bytes, the body's length, then the body, an `.npz`
archive holding a JSON header (`__meta__`) and any arrays. Bodies are read with
`allow_pickle=False`, so a frame can carry only numbers and strings, never code.

The submission's code runs in the worker's process, so it *can* write frames too. That
is harmless by design: a frame carries what an answer returned, never a verdict; the
grader accepts a result only for the question that is running, refuses a second one,
and decides every score itself by comparing the arrays with its own expected values.
"""

from __future__ import annotations

import io
import json
import struct

import numpy as np

MAGIC = b"RNNB"
HEADER = struct.Struct(">4sQ")  # magic, body length in bytes
MAX_BODY = 64 << 20  # 64 MB: what one question's answers may return (the reference answers
# return at most 1.2 MB); larger is refused before it is read, so that a submission cannot
# make the grader hold or check gigabytes.
META = "__meta__"


class ChannelError(Exception):
    """Bytes on the channel that are not a well-formed frame."""


class FrameTooLarge(ChannelError):
    """A frame longer than MAX_BODY; `size` is the length it announced, in bytes."""

    def __init__(self, size: int) -> None:
        super().__init__(f"a frame of {size} bytes, more than {MAX_BODY}")
        self.size = size


def encode(meta: dict, arrays: dict | None = None) -> bytes:
    """One frame: `meta` (JSON-serialisable) and named arrays."""
    buffer = io.BytesIO()
    np.savez(buffer, **{META: np.array(json.dumps(meta))}, **(arrays or {}))
    body = buffer.getvalue()
    return HEADER.pack(MAGIC, len(body)) + body


def decode(body: bytes) -> tuple[dict, dict]:
    """The meta dict and the arrays of one frame's body; ChannelError if malformed."""
    try:
        with np.load(io.BytesIO(body), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(str(arrays.pop(META)))
    except Exception as error:  # noqa: BLE001 - any malformed body is the same protocol error
        raise ChannelError(f"a frame could not be read ({type(error).__name__})") from None
    if not isinstance(meta, dict):
        raise ChannelError("a frame's header is not a JSON object")
    return meta, arrays


class Reader:
    """Turns the bytes read from the pipe into messages, in order."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[dict, dict]]:
        self._buffer += data
        messages = []
        while len(self._buffer) >= HEADER.size:
            magic, length = HEADER.unpack_from(self._buffer)
            if magic != MAGIC:
                raise ChannelError("the channel carried bytes that are not a frame")
            if length > MAX_BODY:
                raise FrameTooLarge(length)
            if len(self._buffer) < HEADER.size + length:
                break
            body = bytes(self._buffer[HEADER.size : HEADER.size + length])
            del self._buffer[: HEADER.size + length]
            messages.append(decode(body))
        return messages

    @property
    def pending(self) -> bool:
        """Whether a partial frame is waiting for more bytes."""
        return bool(self._buffer)
