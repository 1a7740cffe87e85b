"""`marketbase dev`'s mail server: an SMTP server (aiosmtpd) on 127.0.0.1:1025 that accepts every
message, keeps it as an .eml file under .local/mail/ and prints one line about it.

Open a saved message with any mail client, or read it: `ls -t .local/mail | head`, then
`cat .local/mail/<file>.eml`. Nothing is relayed anywhere.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1025


class Mailbox:
    """Start with `start()`, stop with `stop()`; `saved` lists the files written, oldest first."""

    def __init__(
        self,
        directory: Path,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.directory, self.host, self.port, self.echo = directory, host, port, echo
        self.saved: list[Path] = []
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller  # a dev dependency: imported only by `marketbase dev`

        self.directory.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it by name
        content: bytes = envelope.original_content or envelope.content
        with self._lock:
            number = next(self._numbers)
            path = self.directory / f"{time.strftime('%Y%m%d-%H%M%S')}-{number:04d}.eml"
            path.write_bytes(content)
            self.saved.append(path)
        message = message_from_bytes(content, policy=policy.default)
        recipients = ", ".join(envelope.rcpt_tos)
        self.echo(f"mail   to {recipients}: {message.get('subject', '(no subject)')}  -> {path}")
        return "250 Message accepted for delivery"
