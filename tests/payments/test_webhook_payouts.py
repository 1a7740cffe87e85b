"""Payouts of a provider's Connect account through the Connect webhook (issue 18): Stripe's
payout.paid debits the provider's ledger once, a replay or a second event about the payout adds
nothing, payout.failed after it was paid credits it back; the balance is the ledger's sum."""

from __future__ import annotations

from tests.payments.conftest import Payments


def ledger(payments: Payments) -> list[tuple[str, int]]:
    rows = payments.rows(
        "select kind::text, amount from public.provider_ledger where provider_id = %s order by id",
        (payments.market.provider_id,),
    )
    return [(row["kind"], row["amount"]) for row in rows]


def balance(payments: Payments) -> int:
    rows = payments.rows(
        "select balance from public.provider_balances where provider_id = %s", (payments.market.provider_id,)
    )
    return int(rows[0]["balance"]) if rows else 0


def test_a_payout_debits_the_ledger_once_and_a_returned_one_credits_it_back(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    assert paid
    (earning,) = ledger(payments)
    assert earning == ("earning", 9000), "100.00 less the 10 % fee, in the provider's Stripe balance"

    event = payments.stripe.pay_out(payments.account_id, 9000, "usd")
    first = payments.deliver(event)
    again = payments.deliver(event)

    assert first.status == 200 and again.status == 200, (first.body, again.body)
    assert ledger(payments) == [("earning", 9000), ("payout", -9000)]
    assert balance(payments) == 0

    returned = payments.deliver(payments.stripe.fail_payout(payments.account_id, event["data"]["object"]["id"]))

    assert returned.status == 200, returned.body
    assert ledger(payments) == [("earning", 9000), ("payout", -9000), ("payout", 9000)]
    assert balance(payments) == 9000


def test_a_payout_of_an_unknown_account_changes_no_ledger(payments: Payments) -> None:
    nobody = "00000000-0000-4000-8000-000000000000"
    stranger = payments.stripe.add_account(email="nobody@example.com", provider_id=nobody)

    delivered = payments.deliver(payments.stripe.pay_out(stranger, 500, "usd"))

    assert delivered.status == 200, delivered.body
    assert ledger(payments) == []
