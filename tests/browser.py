"""Headless Chromium for the tests, driven over the DevTools protocol on a pipe.

Chromium reads protocol commands (JSON, each ended by a NUL byte) from file descriptor 3 and
writes replies and events to descriptor 4 (``--remote-debugging-pipe``), so the standard
library is all a test needs: no websocket client, no browser download. Chromium comes from
the system (Debian: ``apt-get install chromium``); :func:`chromium_path` is None without it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

# The flags this machine needs (no sandbox as root, no GPU, no network of its own).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]
TIMEOUT = 60.0  # seconds for any one reply: generous, the machine is shared


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """One headless browser; :meth:`open` gives a page to drive. Use it in a ``with``."""

    def __init__(self, profile: Path, width: int = 1280, height: int = 900) -> None:
        executable = chromium_path()
        assert executable, "no chromium on PATH"
        profile.mkdir(parents=True, exist_ok=True)
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()

        def wire() -> None:  # in the child: its fds 3 and 4 become the pipe's ends
            # (by way of fresh numbers, above all the pipe's: one of them may be 3 or 4)
            read_end, write_end = os.dup(to_child), os.dup(from_child)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"],
            preexec_fn=wire,
            pass_fds=(3, 4),  # else Popen closes them after wire()
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.size = (width, height)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):  # already gone
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()  # only the browser this object started
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)

    # -- the protocol ------------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)  # type: ignore[no-any-return]

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        """Run one command; return its result (an error reply raises)."""
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._events.append(message)

    def wait_for(self, event: str, session: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for i, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == session:
                    return self._events.pop(i)
            self._events.append(self._read_message(deadline))

    def open(self, url: str, scripts: bool = True) -> Page:
        """A new tab showing ``url``, loaded (``scripts=False``: with JavaScript off)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session)
        page.send("Page.enable")
        page.send("Runtime.enable")
        page.send("Network.enable")
        if not scripts:
            page.send("Emulation.setScriptExecutionDisabled", {"value": True})
        width, height = self.size
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        page.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", session)
        return page


class Page:
    """One tab: run JavaScript in it, take screenshots, read what it logged."""

    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser, self.session = browser, session

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (a promise is awaited); a throw raises."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def requests(self) -> list[str]:
        """The URL of every request the page made so far."""
        return [
            m["params"]["request"]["url"]
            for m in self.browser._events
            if m.get("sessionId") == self.session and m.get("method") == "Network.requestWillBeSent"
        ]

    def console_errors(self) -> list[str]:
        """Exceptions the page threw and errors it logged so far."""
        found = []
        for message in list(self.browser._events):
            if message.get("sessionId") != self.session:
                continue
            if message.get("method") == "Runtime.exceptionThrown":
                found.append(str(message["params"]["exceptionDetails"]))
            if (
                message.get("method") == "Runtime.consoleAPICalled"
                and message["params"].get("type") == "error"
            ):
                found.append(str(message["params"]["args"]))
        return found
