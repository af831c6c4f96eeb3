"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, keeping every mail it accepts."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class ReceivedMail:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        """The plain-text body (of a multipart mail too)."""
        return self.message.get_body(("plain",)).get_content()

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())

    def link_path(self, base_url: str) -> str:
        """The path of the first link in the body, checking that it starts with base_url."""
        links = LINK.findall(self.body)
        assert links, f"no link in the mail:\n{self.body}"
        assert links[0].startswith(base_url.rstrip("/") + "/"), links[0]
        return urlsplit(links[0]).path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPSink:
    """Use as a context manager. Set ``rcpt_reply`` or ``data_reply`` (e.g. '451 ...') to make
    the server refuse mail; ``stop()`` makes it unreachable."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None
        self.port = _free_port()
        self._controller: Controller | None = None

    def settings(self) -> dict:
        return {"MAIL_BACKEND": "smtp", "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": self.port}

    def start(self) -> SMTPSink:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SMTPSink:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"
