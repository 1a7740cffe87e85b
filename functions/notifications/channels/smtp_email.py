"""Email over SMTP (a relay such as SES, Postmark or a local aiosmtpd), with the standard library.

Each message is multipart/alternative (plain text, then HTML) with `Message-ID:
<{idempotency_key}@{sender domain}>` and `X-Idempotency-Key`, so a retry of the same delivery
carries the same identity and a relay or mailbox that deduplicates by Message-ID keeps one copy.

The connection is kept open between sends (a dispatch batch is many messages) and opened again
when the server has dropped it. Replies are classified:

- a 5xx refusal of the recipient that names the address (550/551/553, or an enhanced status
  5.1.x / 5.2.1: no such mailbox, bad domain, mailbox disabled) -> `rejected`, a bounce: the
  address gets suppressed;
- a 5xx refusal at the end of DATA that is about the message itself (5.6.x content or media,
  5.3.4 / 5.2.3 too big, or a refusal naming spam, a virus or the content that does not blame
  our sender) -> `undeliverable`: the same message would be refused again, to any address, so the
  delivery dies at once and the address is kept;
- every other refusal -> `retry`: 4xx replies, timeouts, connection failures, and also 5xx
  replies that are about us rather than the address or the message (authentication, relaying
  denied, sender refused, our IP on a blocklist, SPF / DKIM / DMARC, an unexplained policy
  5.7.x). A broken relay configuration must not suppress every address it touches, and may be
  fixed while the delivery waits; such deliveries die after their attempts instead.
"""

from __future__ import annotations

import re
import threading
from email.utils import formatdate, parseaddr
from typing import TYPE_CHECKING

from . import Message, Outcome, SendResult, redact

if TYPE_CHECKING:
    import smtplib
    import ssl
    from email.message import EmailMessage

__all__ = ["SmtpEmail", "is_bounce", "is_content_refusal"]

PROVIDER = "smtp"
_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_ADDRESS_REPLY_CODES = frozenset({550, 551, 553})
# RFC 3463: 5.6.x media / content, 5.3.4 message too big for the system, 5.2.3 too big for the mailbox.
_CONTENT_STATUSES = frozenset({(3, 4), (2, 3)})
_CONTENT_WORDS = re.compile(r"spam|virus|malware|phish|content|attachment|too (?:big|large)|\bsize\b", re.IGNORECASE)
# A refusal that says it is about our sending (which the same words may accompany: "blocked using
# a spam list") is our configuration or reputation, not the message.
_ABOUT_SENDER = re.compile(
    r"relay|auth|sender|reputation|block|listed|\bIP\b|client host|spf|dkim|dmarc", re.IGNORECASE
)


def is_bounce(code: int, text: str) -> bool:
    """Whether an SMTP refusal of a recipient says the address itself is bad (RFC 3463 / 5321)."""
    if code < 500:
        return False
    enhanced = _ENHANCED.search(text)
    if enhanced and enhanced.group(1) == "5":
        subject, detail = int(enhanced.group(2)), int(enhanced.group(3))
        return subject == 1 or (subject, detail) == (2, 1)
    return code in _ADDRESS_REPLY_CODES and not re.search(r"relay|auth|spam|policy|blocked", text, re.IGNORECASE)


def is_content_refusal(code: int, text: str) -> bool:
    """Whether a refusal at the end of DATA is about the message itself (RFC 3463), so that any
    address would refuse it again: not about the address, nor about our sending."""
    if code < 500 or _ABOUT_SENDER.search(text):
        return False
    enhanced = _ENHANCED.search(text)
    if enhanced and enhanced.group(1) == "5":
        subject, detail = int(enhanced.group(2)), int(enhanced.group(3))
        if subject == 6 or (subject, detail) in _CONTENT_STATUSES:
            return True
        if subject != 7:  # the address (5.1, 5.2), the route (5.4), the protocol (5.5)
            return False
    return bool(_CONTENT_WORDS.search(text))


class SmtpEmail:
    provider = PROVIDER

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10,
        *,
        tls_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        self.host = host
        self.port = int(port)
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout
        self.tls_context = tls_context
        self.envelope_from = parseaddr(sender)[1] or sender
        self.domain = self.envelope_from.rpartition("@")[2] or "localhost"
        # The EHLO name: smtplib would otherwise ask DNS for this host's FQDN on every connect
        # (slow, and meaningless inside a Lambda).
        self.local_hostname = local_hostname or self.domain
        self._smtp: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    # --- the message ----------------------------------------------------------------------------

    def message_id(self, message: Message) -> str:
        return f"<{message.idempotency_key}@{self.domain}>"

    def compose(self, message: Message) -> EmailMessage:
        from email.message import EmailMessage

        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.destination
        email["Subject"] = message.subject or message.title
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = self.message_id(message)
        email["X-Idempotency-Key"] = message.idempotency_key
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
        email.set_content(message.body)
        if message.html:
            email.add_alternative(message.html, subtype="html")
        return email

    # --- sending --------------------------------------------------------------------------------

    def send(self, message: Message) -> SendResult:
        if message.channel != "email":
            raise ValueError(f"SmtpEmail cannot send a {message.channel} message")
        import smtplib

        email = self.compose(message)
        message_id = self.message_id(message)
        try:
            with self._lock:
                self._deliver(email, message.destination)
        except smtplib.SMTPRecipientsRefused as error:
            code, raw = error.recipients.get(message.destination) or next(iter(error.recipients.values()))
            text = _text(raw)
            outcome: Outcome = "rejected" if is_bounce(code, text) else "retry"
            return self._failure(outcome, f"recipient refused: {code} {text}", message)
        except smtplib.SMTPSenderRefused as error:
            return self._failure("retry", f"sender refused: {error.smtp_code} {_text(error.smtp_error)}", message)
        except smtplib.SMTPDataError as error:
            text = _text(error.smtp_error)
            # Some servers refuse recipients only at the end of DATA; only an explicit 5.1.x says so.
            if is_bounce(error.smtp_code, text) and _ENHANCED.search(text):
                outcome = "rejected"
            elif is_content_refusal(error.smtp_code, text):
                outcome = "undeliverable"
            else:
                outcome = "retry"
            return self._failure(outcome, f"message refused: {error.smtp_code} {text}", message)
        except smtplib.SMTPAuthenticationError as error:
            text = _text(error.smtp_error)
            return self._failure("retry", f"authentication failed: {error.smtp_code} {text}", message)
        except smtplib.SMTPResponseException as error:
            return self._failure("retry", f"{error.smtp_code} {_text(error.smtp_error)}", message)
        except smtplib.SMTPNotSupportedError as error:
            return self._failure("retry", f"not supported by the server: {error}", message)
        except TimeoutError:
            return self._failure("retry", f"timed out after {self.timeout:g}s", message)
        except smtplib.SMTPServerDisconnected as error:
            if "timed out" in str(error):  # smtplib reports a read timeout as a disconnect
                return self._failure("retry", f"timed out after {self.timeout:g}s", message)
            return self._failure("retry", f"{type(error).__name__}: {error}", message)
        except (OSError, smtplib.SMTPException) as error:  # refused, reset, TLS, DNS
            return self._failure("retry", f"{type(error).__name__}: {error}", message)
        return SendResult("sent", PROVIDER, message_id.strip("<>"))

    def _failure(self, outcome: Outcome, error: str, message: Message) -> SendResult:
        return SendResult(outcome, PROVIDER, None, "smtp " + redact(error, message.destination))

    def _deliver(self, email: EmailMessage, recipient: str) -> None:
        import smtplib

        for _ in range(2):
            reused = self._smtp is not None
            smtp = self._smtp or self._connect()
            try:
                smtp.send_message(email, self.envelope_from, [recipient])
                return
            except smtplib.SMTPRecipientsRefused:
                raise  # the connection is still good (smtplib reset the transaction)
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as error:
                self._discard()
                # A kept connection the server closed while idle (a disconnect, or 421 on the next
                # command): once more on a fresh one. A fresh connection failing is the answer, and
                # so is a timeout (the server may have the message: sending it again would not help).
                idle_drop = (isinstance(error, smtplib.SMTPServerDisconnected) and "timed out" not in str(error)) or (
                    isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421
                )
                if not (reused and idle_drop):
                    raise
            except BaseException:
                self._discard()  # a timeout or reset leaves the session in an unknown state
                raise

    def _connect(self) -> smtplib.SMTP:
        import smtplib
        import ssl

        smtp = smtplib.SMTP(self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=self.tls_context or ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def _discard(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        """Close the kept connection (QUIT when the server still listens)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except Exception:
            smtp.close()

    def __enter__(self) -> SmtpEmail:
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self.close()


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
