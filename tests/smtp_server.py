"""A real SMTP server on a free loopback port for the briefing's tests (aiosmtpd): it keeps every message it
accepts, and can be told to refuse the next few with a temporary (4xx) or permanent (5xx) reply."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, server: LoopbackSmtp) -> None:
        self.server = server

    async def handle_DATA(self, _server, _session, envelope) -> str:
        with self.server.lock:
            self.server.tries += 1
            if self.server.refusals:
                return self.server.refusals.pop(0)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.server.received.append((tuple(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted"


class LoopbackSmtp:
    """The server: `received` holds (recipients, message) pairs, `tries` counts every DATA it was sent, and
    `refusals` the replies it gives, in turn, before accepting again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[tuple[str, ...], EmailMessage]] = []
        self.refusals: list[str] = []
        self.tries = 0
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait_for(self, count: int, seconds: float = 120) -> list[tuple[tuple[str, ...], EmailMessage]]:
        """Return the messages received once there are `count`; fails the test after `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.1)
        raise AssertionError(f"The SMTP server received {len(self.received)} messages, not {count}.")

    def stop(self) -> None:
        self.controller.stop()
