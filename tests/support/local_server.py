"""What the simulated portal (support.portal) and the simulated network (support.network) share
as HTTP servers on 127.0.0.1: validators and conditional answers, the TCP reset, a server that
keeps quiet about clients hanging up, and starting and stopping in a thread.

Both answer ``If-None-Match``/``If-Modified-Since`` with 304 and break connections with an RST
the way real portals do; one copy of that logic keeps them answering alike.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import struct
import threading
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any, Self


def etag(body: bytes) -> str:
    """A strong validator of ``body``: the same bytes always carry the same tag."""
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def not_modified(headers: Message, tag: str, last_modified: str) -> bool:
    """Whether a request with ``headers`` may be answered 304 for a page carrying ``tag`` and
    ``last_modified``: ``If-None-Match`` decides when sent, else ``If-Modified-Since``."""
    match = headers.get("If-None-Match")
    if match is not None:
        return tag in [candidate.strip() for candidate in match.split(",")]
    since = headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False


def reset(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Close the handler's connection with a TCP RST (as a dead server's firewall does), and
    make the handler's own clean-up a no-op."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.wfile = io.BytesIO()
    handler.rfile = io.BytesIO()
    handler.close_connection = True


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 (kept-alive connections, as portals keep them), and no log line per request."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on a broken answer is the point here, not an error to print."""


class LocalServer:
    """Start (in a daemon thread), stop and the root :attr:`url` of a server on 127.0.0.1 on a
    free port; a context manager. Subclasses give :meth:`handler`."""

    server_class: type[QuietServer] = QuietServer
    _server: QuietServer | None = None

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        """The request handler class, bound to this server's state."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Self:
        self._server = self.server_class(("127.0.0.1", 0), self.handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
