"""A real mail server for the sending tests: aiosmtpd on 127.0.0.1, in a thread of the test.

It keeps what it accepts in memory (`messages`), and can refuse (550), greylist (451 for the
first N messages) or stall (answer DATA only after `stall` seconds, past the client's timeout).
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    """The server's behaviour and what it received."""

    messages: list[Received] = field(default_factory=list)
    refuse: bool = False
    greylist: int = 0  # answer 451 to this many DATA commands first
    stall: float = 0.0
    attempts: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.stall:
            await asyncio.sleep(self.stall)
        if self.refuse:
            return "550 5.7.1 Message refused by policy"
        if self.greylist > 0:
            self.greylist -= 1
            return "451 4.7.1 Greylisted, please try again later"
        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Ok: queued"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.messages if address in r.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def mail_server():
    """Yields (mailbox, "smtp://127.0.0.1:PORT")."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()
