"""Length-prefixed frames between the app and the zygote: u32 header_len | JSON | payload."""
import json
import os
import struct


def read_exact(fd, n):
    chunks = []
    while n > 0:
        try:
            b = os.read(fd, min(n, 1 << 20))
        except InterruptedError:
            continue
        if not b:
            raise EOFError
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        view = view[n:]


def _read_into(fd, view):
    """os.readv where it exists (no copy); Windows has none, so the portable worker copies a chunk."""
    if hasattr(os, "readv"):
        return os.readv(fd, [view])
    chunk = os.read(fd, min(len(view), 1 << 20))
    view[:len(chunk)] = chunk
    return len(chunk)


def read_frame(fd):
    """(header, payload) with the payload read straight into one bytearray (no
    intermediate copies), so that the caller can zero it afterwards."""
    (hlen,) = struct.unpack("<I", read_exact(fd, 4))
    header = json.loads(read_exact(fd, hlen).decode("utf-8"))
    payload = bytearray(int(header.get("payload", 0)))
    view = memoryview(payload)
    got = 0
    while got < len(payload):
        try:
            n = _read_into(fd, view[got:])
        except InterruptedError:
            continue
        if not n:
            raise EOFError
        got += n
    view.release()
    return header, payload


def scrub(buf):
    """Overwrite a bytearray in place (a submission's source must not reach the next run)."""
    buf[:] = bytes(len(buf))


def write_frame(fd, header, payload=b""):
    header = dict(header, payload=len(payload))
    h = json.dumps(header).encode("utf-8")
    write_all(fd, struct.pack("<I", len(h)) + h + bytes(payload))


def read_exact_line(fd):
    buf = b""
    while not buf.endswith(b"\n"):
        b = os.read(fd, 4096)
        if not b:
            raise EOFError
        buf += b
    return buf
