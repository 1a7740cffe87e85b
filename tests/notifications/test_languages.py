"""A notification is worded in the recipient's preferred language (profile_details.locale), else in
the platform's default language (public.languages), end to end: the expansion picks each
recipient's locale in SQL, the claim picks the template with its fallbacks, the dispatcher renders
it (functions/notifications/render.py) and the email goes out in that language."""

from __future__ import annotations

from tests.notifications.conftest import Notify
from tests.notifications.test_dispatcher import plain
from tests.support.actors import as_request, claims_for

FAILED = {
    "booking_id": "b0b0b0b0-0000-0000-0000-000000000001",
    "invoice_number": "INV-0042",
    "offering_title": "Strategy call",
    "amount": "100.00",
    "currency": "EUR",
    "reason": "card declined",
    "action_url": "https://market.example/invoices/42",
}


def set_default_language(notify: Notify, admin: str, code: str) -> None:
    """public.set_default_language as an admin through PostgREST (one request, one transaction)."""
    with notify.market.owner() as conn:
        claims = claims_for(conn, admin)
    with notify.market.authenticator() as conn, as_request(conn, claims):
        conn.execute("select public.set_default_language(%s)", (code,))


def test_an_email_is_worded_in_the_users_language_else_the_default_one(notify: Notify) -> None:
    # payment.failed is critical: it always goes by email. Spanish has its template, French not.
    notify.execute(
        "insert into public.notification_templates (event_type, channel, locale, subject, title, body, action_url)"
        " values ('payment.failed', 'email', 'es', 'Pago fallido: {{ invoice_number }}', 'Pago fallido',"
        " 'Hola {{ recipient_name }}, el pago de {{ offering_title }} falló ({{ reason }}).', '{{ action_url }}')"
    )
    undecided = notify.person("undecided")  # named no language at sign-up
    french = notify.person("french", locale="fr")  # no French template for this event
    english = notify.person("english", locale="en")
    set_default_language(notify, notify.admin(), "es")

    outbox = notify.enqueue("payment.failed", [undecided.id, french.id, english.id], FAILED)
    summary = notify.dispatch()

    assert summary["sent"] == 3, summary
    locales = {str(d["user_id"]): d["locale"] for d in notify.deliveries(outbox)}
    assert locales == {undecided.id: "es", french.id: "fr", english.id: "en"}
    (to_undecided,) = notify.sink.messages_to(undecided.email)
    (to_french,) = notify.sink.messages_to(french.email)
    (to_english,) = notify.sink.messages_to(english.email)
    assert to_undecided["Subject"] == "Pago fallido: INV-0042"
    assert "Hola undecided, el pago de Strategy call falló (card declined)." in plain(to_undecided)
    assert to_french["Subject"] == "Pago fallido: INV-0042"  # fr has no template: the default language's
    assert to_english["Subject"] == "Your payment of 100.00 EUR did not go through"  # en, its own
