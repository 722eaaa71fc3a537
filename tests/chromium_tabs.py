"""Headless Chromium over the DevTools pipe with one tab per page (many pages, set widths,
screenshots), for the reader-level page tests.

Chromium ignores `--window-size` below about 500 px, so a phone-width view needs
`Emulation.setDeviceMetricsOverride`; `--remote-debugging-pipe` gives the protocol on
file descriptors 3 (commands in) and 4 (replies out), one NUL-terminated JSON message
each, without a port or a driver package. One browser serves a whole test session.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--font-render-hinting=none"]


class BrowserError(RuntimeError):
    pass


def _high_fd(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Browser:
    def __init__(self, timeout_s: float = 60.0):
        if CHROMIUM is None:
            raise BrowserError("chromium is not installed")
        self.timeout_s = timeout_s
        self._profile = tempfile.mkdtemp(prefix="chromium-profile-")
        cmd_r, cmd_w = os.pipe()  # we write commands, Chromium reads fd 3
        out_r, out_w = os.pipe()  # Chromium writes replies on fd 4
        # Move the child's ends above 4, so that dup2 onto 3 and 4 never clobbers them.
        cmd_r, out_w = (_high_fd(fd) for fd in (cmd_r, out_w))

        def child_fds():
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)

        self._proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self._profile}", "--remote-debugging-pipe", "about:blank"],
            # Python's descriptors are close-on-exec; only the two dup2'ed ones reach Chromium
            # (close_fds would close 3 and 4 after preexec_fn has set them up).
            close_fds=False, preexec_fn=child_fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(cmd_r)
        os.close(out_w)
        self._w = os.fdopen(cmd_w, "wb", buffering=0)
        self._r = os.fdopen(out_r, "rb", buffering=0)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    # -- protocol -------------------------------------------------------------------
    def _read_message(self) -> dict:
        while b"\0" not in self._buf:
            chunk = self._r.read(1 << 16)
            if not chunk:
                raise BrowserError("chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._w.write(json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, session: str, timeout_s: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while time.monotonic() < deadline:
            for i, ev in enumerate(self.events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read_message())
        raise BrowserError(f"no {method} within the time limit")

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- pages ----------------------------------------------------------------------
    def open(self, url: str, width: int, height: int = 900, mobile: bool = False) -> "Tab":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tab = Tab(self, target, session)
        tab.send("Page.enable")
        tab.send("Runtime.enable")
        tab.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        tab.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired", session)
        return tab


class Tab:
    def __init__(self, browser: Browser, target: str, session: str):
        self.browser, self.target, self.session = browser, target, session

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def eval(self, expression: str):
        """The value of a JavaScript expression (promises awaited), as JSON."""
        res = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in res:
            raise BrowserError(f"{expression[:80]}...: {res['exceptionDetails'].get('text')} "
                               f"{res['exceptionDetails'].get('exception', {}).get('description', '')}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout_s: float = 20.0, interval_s: float = 0.1):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(interval_s)
        raise BrowserError(f"timed out waiting for {expression}")

    def screenshots(self, stem: Path, tile_height: int = 2000) -> list[Path]:
        """The whole page as PNG tiles `stem-01.png`, `stem-02.png`, ... (tall pages in one
        image are scaled down too far to read)."""
        w, h = self.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        stem.parent.mkdir(parents=True, exist_ok=True)
        out = []
        for i, y in enumerate(range(0, h, tile_height), start=1):
            clip = {"x": 0, "y": y, "width": w, "height": min(tile_height, h - y), "scale": 1}
            data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                        "clip": clip})["data"]
            path = stem.parent / f"{stem.name}-{i:02d}.png"
            path.write_bytes(base64.b64decode(data))
            out.append(path)
        return out

    def close(self):
        self.browser.send("Target.closeTarget", {"targetId": self.target})
