"""A tiny HTTP/1.1 server on a real socket, for what only a real connection shows: whether it survives
an error answer.

Every path but ``/v1/health`` is answered 404 with a JSON error; what happens to the connection after
that answer is the server's ``mode``:

* ``keep-alive``: nothing, the connection serves the next request;
* ``close-header``: the answer says ``Connection: close`` and the server closes (graceful, per HTTP);
* ``close-silently``: the server closes right after the answer without saying so (httpx either notices
  before reusing the connection or gets a reset);
* ``drop-next``: the server reads the next request on that connection and closes without answering,
  so the client always sees a reset.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

__all__ = ["Mode", "keepalive_server"]

Mode = Literal["keep-alive", "close-header", "close-silently", "drop-next"]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: Mode) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _read_request(self) -> str | None:
        """The request's path, with its headers and body consumed; ``None`` when the client closed."""
        line = self.rfile.readline()
        if not line:
            return None
        length = 0
        while (header := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length:
            self.rfile.read(length)
        return line.decode("latin-1").split(" ")[1]

    def _answer(self, status: str, body: object, *, close: bool = False) -> None:
        data = json.dumps(body).encode()
        head = [f"HTTP/1.1 {status}", "Content-Type: application/json", f"Content-Length: {len(data)}"]
        if close:
            head.append("Connection: close")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        self.wfile.flush()

    def handle(self) -> None:
        mode = self.server.mode
        while (path := self._read_request()) is not None:
            if path == "/v1/health":
                self._answer("200 OK", {"status": "OK"})
                continue
            self._answer("404 Not Found", {"detail": f"{path} not found"}, close=mode == "close-header")
            if mode in ("close-header", "close-silently"):
                return
            if mode == "drop-next":
                self._read_request()
                return


@contextmanager
def keepalive_server(mode: Mode) -> Iterator[str]:
    """Serve in a background thread; yields ``http://127.0.0.1:PORT``."""
    server = _Server(mode)
    thread = threading.Thread(target=server.serve_forever, name=f"keepalive-{mode}", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
