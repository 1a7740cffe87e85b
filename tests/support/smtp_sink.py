"""A real SMTP server for tests: aiosmtpd on 127.0.0.1:<free port>, in a thread with its own
event loop, recording every message it accepts.

    with SmtpSink() as sink:
        adapter = sink.adapter(sender="Marketbase <no-reply@marketbase.test>")
        ...
        sink.messages[0]["Message-ID"], sink.messages[0].get_body(("plain",)).get_content()

It answers as mail servers do where the adapters depend on it:

- `reject(address)`: RCPT TO for that address gets `550 5.1.1 ... User unknown` (a bounce), or
  the code and text given;
- `fail_once(address)`: the next RCPT TO for it gets `451 4.3.0` (try again later), then it is
  accepted;
- `fail_next_data(code, text)`: the next DATA is answered with that reply instead of 250;
- `stall_next_data(seconds)`: the next message is accepted, but its 250 comes that late (a
  client that times out never learns it was delivered);
- `dedupe=True`: a message whose Message-ID was already accepted is answered 250 and dropped, as
  a provider honouring idempotency would; `receipts` still counts every DATA it got;
- `drop_connections()`: the server closes its open connections, as it does with idle ones;
- `credentials=(user, password)`: AUTH is required (PLAIN / LOGIN) and checked;
- `tls=True`: STARTTLS with a throwaway self-signed certificate (`ca_file` for the client), and
  AUTH only after it.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import ssl
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

__all__ = ["Receipt", "SmtpSink"]

# aiosmtpd warns through "mail.log" on every AUTH (its own use of a deprecated attribute) and when
# AUTH is allowed without TLS, which is what a test sink does on purpose.
logging.getLogger("mail.log").setLevel(logging.ERROR)


@dataclass
class Receipt:
    """One message as the sink received it (whether or not it kept it)."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    message_id: str | None
    authenticated_as: str | None = None
    tls: bool = False
    helo: str | None = None  # the name the client gave in EHLO / HELO
    kept: bool = True  # False: dropped as a duplicate Message-ID


@dataclass
class _Behaviour:
    rejected: dict[str, str] = field(default_factory=dict)  # address -> reply
    fail_once: dict[str, str] = field(default_factory=dict)
    data_replies: list[str] = field(default_factory=list)
    data_stalls: list[float] = field(default_factory=list)


class SmtpSink:
    def __init__(
        self,
        *,
        dedupe: bool = False,
        credentials: tuple[str, str] | None = None,
        tls: bool = False,
        hostname: str = "sink.marketbase.test",
    ) -> None:
        self.dedupe = dedupe
        self.credentials = credentials
        self.tls = tls
        self.hostname = hostname
        self.receipts: list[Receipt] = []
        self.connections = 0
        self._protocols: list[Any] = []
        self.failed_logins = 0
        self._behaviour = _Behaviour()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.ca_file: str | None = None
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> SmtpSink:
        tls_context = self._tls_context() if self.tls else None
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    loop.create_server(lambda: self._protocol(loop, tls_context), "127.0.0.1", 0)
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as error:
                errors.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            self._server.close()
            pending = asyncio.all_tasks(loop)  # sessions of clients still connected
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

        self._thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop = self._thread = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def adapter(self, sender: str = "Marketbase <no-reply@marketbase.test>", **options: Any) -> Any:
        """An SmtpEmail pointed at this sink (with its credentials and CA when it has them)."""
        from functions.notifications.channels.smtp_email import SmtpEmail

        if self.credentials:
            options.setdefault("username", self.credentials[0])
            options.setdefault("password", self.credentials[1])
        if self.tls:
            options.setdefault("starttls", True)
            options.setdefault("tls_context", ssl.create_default_context(cafile=self.ca_file))
        return SmtpEmail(self.host, self.port, sender, **options)

    # --- what it received -----------------------------------------------------------------------

    @property
    def messages(self) -> list[EmailMessage]:
        """The messages kept (one per Message-ID when deduplicating)."""
        with self._lock:
            return [r.message for r in self.receipts if r.kept]

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.receipts if r.kept and address in r.rcpt_tos]

    def receipts_of(self, message_id: str) -> list[Receipt]:
        with self._lock:
            return [r for r in self.receipts if r.message_id == message_id]

    def clear(self) -> None:
        with self._lock:
            self.receipts.clear()

    # --- behaviour ------------------------------------------------------------------------------

    def reject(self, *addresses: str, reply: str | None = None) -> None:
        """RCPT TO these addresses is refused, by default as an unknown mailbox (a hard bounce)."""
        with self._lock:
            for address in addresses:
                self._behaviour.rejected[address] = (
                    reply or f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
                )

    def fail_once(self, *addresses: str, reply: str = "451 4.3.0 Temporary lookup failure, try again later") -> None:
        """The next RCPT TO each of these addresses is deferred (4xx), the one after accepted."""
        with self._lock:
            for address in addresses:
                self._behaviour.fail_once[address] = reply

    def fail_next_data(self, reply: str = "451 4.3.0 Error: queue file write error") -> None:
        """The next DATA is answered with this reply (the message is not kept)."""
        with self._lock:
            self._behaviour.data_replies.append(reply)

    def stall_next_data(self, seconds: float) -> None:
        """The next message is kept, but the 250 comes `seconds` late."""
        with self._lock:
            self._behaviour.data_stalls.append(seconds)

    def drop_connections(self) -> None:
        """Close every open client connection from the server's side, as a server does with
        idle connections (the client learns of it on its next command)."""

        def close() -> None:
            for protocol in self._protocols:
                if protocol.transport is not None and not protocol.transport.is_closing():
                    protocol.transport.close()

        if self._loop is not None:
            done = threading.Event()

            def close_and_signal() -> None:
                close()
                done.set()

            self._loop.call_soon_threadsafe(close_and_signal)
            done.wait(5)

    # --- aiosmtpd -------------------------------------------------------------------------------

    def _protocol(self, loop: asyncio.AbstractEventLoop, tls_context: ssl.SSLContext | None) -> Any:
        from aiosmtpd.smtp import SMTP

        protocol = SMTP(
            _Handler(self),
            hostname=self.hostname,
            ident="marketbase smtp sink",
            enable_SMTPUTF8=True,
            tls_context=tls_context,
            require_starttls=tls_context is not None,
            authenticator=self._authenticate if self.credentials else None,
            auth_required=self.credentials is not None,
            auth_require_tls=tls_context is not None,
            loop=loop,
        )
        with self._lock:
            self.connections += 1
            self._protocols.append(protocol)
        return protocol

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert self.credentials is not None
        supplied = (
            (auth_data.login.decode(), auth_data.password.decode()) if isinstance(auth_data, LoginPassword) else None
        )
        ok = supplied == self.credentials
        if not ok:
            with self._lock:
                self.failed_logins += 1
        if not ok:  # not handled: aiosmtpd answers 535 5.7.8 itself
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=auth_data.login.decode())

    def _tls_context(self) -> ssl.SSLContext:
        cert, key = _self_signed(("localhost", "127.0.0.1"))
        self._tempdir = tempfile.TemporaryDirectory(prefix="smtp-sink-")
        directory = Path(self._tempdir.name)
        (directory / "cert.pem").write_bytes(cert)
        (directory / "key.pem").write_bytes(key)
        self.ca_file = str(directory / "cert.pem")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(directory / "cert.pem", directory / "key.pem")
        return context


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        behaviour = self.sink._behaviour
        with self.sink._lock:
            if address in behaviour.rejected:
                return behaviour.rejected[address]
            if address in behaviour.fail_once:
                return behaviour.fail_once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        sink, behaviour = self.sink, self.sink._behaviour
        with sink._lock:
            reply = behaviour.data_replies.pop(0) if behaviour.data_replies else None
            stall = behaviour.data_stalls.pop(0) if behaviour.data_stalls else 0.0
        if reply is not None:
            return reply
        raw = envelope.original_content or envelope.content
        raw = raw if isinstance(raw, bytes) else str(raw).encode()
        # Parsed with the wire's CRLF line ends folded, so contents compare with what was written.
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        message_id = message.get("Message-ID")
        with sink._lock:
            seen = any(r.kept and r.message_id == message_id for r in sink.receipts) if message_id else False
            receipt = Receipt(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,
                raw=raw,
                message_id=message_id,
                authenticated_as=session.auth_data if session.authenticated else None,
                tls=session.ssl is not None,
                helo=session.host_name,
                kept=not (sink.dedupe and seen),
            )
            sink.receipts.append(receipt)
        if stall:
            await asyncio.sleep(stall)
        return "250 2.0.0 Ok: queued"


def _self_signed(names: Iterable[str]) -> tuple[bytes, bytes]:
    """A throwaway certificate and key for these DNS names / IP addresses."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "marketbase smtp sink")])
    alternatives: list[x509.GeneralName] = []
    for name in names:
        try:
            alternatives.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternatives.append(x509.DNSName(name))
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
