"""A local portal simulator: an HTTP proxy on 127.0.0.1 that answers from a table of pages.

Spiders run unchanged against their real URLs with ``http_proxy`` pointing here, so the hosts,
the domain rules and robots.txt behave as on the live portals while nothing leaves the
machine. Every request is recorded (method, URL) for the tests to inspect. GET is answered by
URL; POST by URL and, for Hanweb's ``dataproxy.jsp``, by the ``columnid`` of its form (one
endpoint serves every column of a site).
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from nianbao.crawler.middlewares.cassette_match import normalize_url
from nianbao.crawler.middlewares.cassette_yaml import Interaction


@dataclass
class Portal:
    """The pages the simulator serves: ``(method, normalised URL, form key)`` -> answer."""

    pages: dict[tuple[str, str, str], Interaction] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)

    def add(self, interaction: Interaction) -> None:
        self.pages[self._key(interaction.method, interaction.url, interaction.request_body)] = (
            interaction
        )

    def html(self, url: str, body: str, status: int = 200) -> None:
        headers = {"Content-Type": "text/html; charset=utf-8"}
        self.add(Interaction("GET", url, status, headers, body.encode("utf-8")))

    def text(
        self, url: str, body: str, content_type: str, method: str = "GET", form: str = ""
    ) -> None:
        headers = {"Content-Type": content_type}
        self.add(Interaction(method, url, 200, headers, body.encode("utf-8"), form.encode()))

    @staticmethod
    def _key(method: str, url: str, body: bytes) -> tuple[str, str, str]:
        form = ""
        if method == "POST":
            form = ",".join(parse_qs(body.decode("utf-8", "replace")).get("columnid", []))
        return (method, normalize_url(url), form)

    def answer(self, method: str, url: str, body: bytes) -> Interaction | None:
        self.seen.append((method, url))
        return self.pages.get(self._key(method, url, body))


def _handler(portal: Portal) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            portal.user_agents.append(self.headers.get("User-Agent", ""))
            page = portal.answer(method, self.path, body)
            if page is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            chunked = any(
                name.lower() == "transfer-encoding" and "chunked" in str(value).lower()
                for name, value in page.headers.items()
            )
            if chunked:  # no length announced: the client learns the size only as it reads
                self.protocol_version = "HTTP/1.1"
            self.send_response(page.status)
            for name, value in page.headers.items():
                for item in [value] if isinstance(value, str | bytes) else value:
                    if name.lower() not in ("content-length", "transfer-encoding"):
                        self.send_header(name, item if isinstance(item, str) else item.decode())
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                self._write_chunks(page.body)
                return
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def _write_chunks(self, body: bytes, size: int = 16 * 1024) -> None:
            try:
                for start in range(0, len(body), size):
                    piece = body[start : start + size]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up reading (a download cancelled past its cap)
            self.close_connection = True

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving(portal: Portal) -> Iterator[str]:
    """Run the simulator; yields the proxy URL (``http://127.0.0.1:PORT``)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(portal))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


ROOT = Path(__file__).resolve().parents[1]


def crawl_through(
    proxy: str, spider: str, tmp_path: Path, *settings: str, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl SPIDER`` in a subprocess whose every request goes to the simulator.

    Items go to ``tmp_path/items.jsonl``, WARC records to ``tmp_path/warc``, attachments to
    ``tmp_path/files``; no database. ``settings`` are ``NAME=VALUE`` pairs added with ``-s``.
    """
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(http_proxy=proxy, NO_PROXY="", no_proxy="")
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(tmp_path / "items.jsonl")]
    for setting in (
        "AUTOTHROTTLE_ENABLED=False",
        "DOWNLOAD_DELAY=0",
        "NIANBAO_DATABASE_URL=",
        f"NIANBAO_WARC_DIR={tmp_path / 'warc'}",
        f"NIANBAO_ATTACHMENT_STORE={tmp_path / 'files'}",
        *settings,
    ):
        command += ["-s", setting]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
