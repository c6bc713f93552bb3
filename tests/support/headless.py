"""Headless Chromium driven over the DevTools protocol on a pipe: load a page, read the DOM,
measure where elements are, take a screenshot.

The tests check that the dashboard's data is in the first screen, which takes two things
``chromium --dump-dom`` cannot give: where an element lands (``getBoundingClientRect`` in a
1280×800 viewport) and the pixels of that viewport. ``--remote-debugging-pipe`` speaks the
protocol over file descriptors 3 and 4 (NUL-terminated JSON), so no WebSocket client and no
port are needed. ``scripts/screenshot_dashboard.py`` makes the README's screenshot the same way.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

#: The viewport every first-screen check is about.
WIDTH, HEIGHT = 1280, 800


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or did not answer in time."""


class Browser:
    """One headless Chromium and one page (tab) in it."""

    def __init__(self, process: subprocess.Popen[bytes], writer: int, reader: int) -> None:
        self._process, self._writer, self._reader = process, writer, reader
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None

    def command(self, method: str, timeout: float = 60, **params: Any) -> dict[str, Any]:
        """Send one protocol command (to the page once one is attached) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self._session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" not in self._buffer:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    raise DevToolsError(f"no answer to {method}")
                chunk = os.read(self._reader, 1 << 16)
                if not chunk:
                    raise DevToolsError(f"Chromium closed the pipe during {method}")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise DevToolsError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def open_page(self) -> None:
        target = self.command("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.command("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.command(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.command("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def load(self, url: str, timeout: float = 60) -> None:
        """Go to ``url`` and wait until it and its fonts are loaded."""
        self.command("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        time.sleep(0.2)
        while self.evaluate("document.readyState") != "complete" or not self.evaluate(
            "document.fonts.status === 'loaded' && location.href !== 'about:blank'"
        ):
            if time.monotonic() > deadline:
                raise DevToolsError(f"{url} did not load in {timeout} s")
            time.sleep(0.1)

    def html(self) -> str:
        return str(self.evaluate("document.documentElement.outerHTML"))

    def box(self, selector: str) -> dict[str, float] | None:
        """The viewport rectangle of the first element ``selector`` matches (None: no match)."""
        return self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return null; const r = e.getBoundingClientRect();"
            " return {top: r.top, left: r.left, bottom: r.bottom, right: r.right}; })()"
        )

    def fonts(self, selector: str) -> dict[str, int]:
        """The fonts Chromium drew the text of the first match of ``selector`` with: family ->
        glyph count (what fontconfig's fallback picked, e.g. WenQuanYi Zen Hei for 泸定县)."""
        self.command("DOM.enable")
        self.command("CSS.enable")
        root = self.command("DOM.getDocument")["root"]["nodeId"]
        node = self.command("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        if not node:
            return {}
        fonts: dict[str, int] = {}
        for font in self.command("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]:
            fonts[font["familyName"]] = fonts.get(font["familyName"], 0) + font["glyphCount"]
        return fonts

    def screenshot(self, path: Path) -> Path:
        """The viewport (1280×800, not the whole page) as a PNG at ``path``."""
        data = self.command("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path


@contextmanager
def browser(chromium: str, profile: Path) -> Iterator[Browser]:
    """A headless Chromium with a fresh profile at ``profile``, closed afterwards."""
    to_chromium, from_us = os.pipe()
    to_us, from_chromium = os.pipe()

    def wire_pipes() -> None:  # runs in the child: fds 3 and 4 are the protocol's
        os.dup2(to_chromium, 3)
        os.dup2(from_chromium, 4)

    process = subprocess.Popen(
        [chromium, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
        pass_fds=(3, 4),
        preexec_fn=wire_pipes,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(to_chromium)
    os.close(from_chromium)
    session = Browser(process, from_us, to_us)
    try:
        session.open_page()
        yield session
    finally:
        with suppress(DevToolsError):
            session.command("Browser.close", timeout=10)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(from_us)
        os.close(to_us)


#: A pixel this dark (0–255 luminance) is ink: text or a bar, not the page's light background.
INK = 140
#: How much of an element's box must be ink for it to count as drawn (text covers ~5–15 %).
MIN_INK_SHARE = 0.01


def ink_share(png: Path, box: dict[str, float]) -> float:
    """The share of ``box`` (in viewport pixels) of the screenshot ``png`` that is ink."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        left, top = max(0, int(box["left"])), max(0, int(box["top"]))
        right, bottom = min(grey.width, int(box["right"])), min(grey.height, int(box["bottom"]))
        if right <= left or bottom <= top:
            return 0.0
        counts = grey.crop((left, top, right, bottom)).histogram()  # pixels per grey level
    return sum(counts[:INK]) / sum(counts)


def first_screen_problem(session: Browser, selector: str, png: Path) -> str | None:
    """Why the element ``selector`` is not seen in the first screen of ``png`` (a screenshot of
    the viewport just taken), or None when it is: it must exist, lie wholly inside the
    1280×800 viewport vertically, and be drawn (ink where its box is, not a blank area)."""
    box = session.box(selector)
    if box is None:
        return f"{selector}: not in the page"
    if box["top"] < 0 or box["bottom"] > HEIGHT:
        return f"{selector}: at {box['top']:.0f}–{box['bottom']:.0f} px, outside the first {HEIGHT}"
    share = ink_share(png, box)
    if share < MIN_INK_SHARE:
        return f"{selector}: {share:.2%} of its box is drawn, a blank area"
    return None
