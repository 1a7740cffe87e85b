"""The connect Lambda through Mangum: onboarding links for providers (one Express account
each, made once) and the Connect webhook that records whether a provider can be paid."""

from __future__ import annotations

from typing import Any

from tests.payments.conftest import Payments

ACCOUNTS = "/v1/accounts"
LINKS = "/v1/account_links"


def onboarding(payments: Payments, user: str) -> Any:
    return payments.invoke("connect", "POST", "/connect/onboarding", as_user=user)


def payout_account(payments: Payments) -> dict[str, Any]:
    return payments.row(
        "select stripe_account_id, charges_enabled, payouts_enabled, details_submitted, last_event_at"
        " from public.provider_payout_accounts where provider_id = %s",
        (payments.market.provider_id,),
    )


def without_account(payments: Payments) -> None:
    """The provider before their first onboarding: no payout account yet."""
    with payments.market.owner() as conn:
        conn.execute(
            "delete from public.provider_payout_accounts where provider_id = %s", (payments.market.provider_id,)
        )


def test_onboarding_creates_one_express_account_and_returns_a_link(payments: Payments) -> None:
    without_account(payments)
    provider = payments.market.provider_id

    first = onboarding(payments, provider)
    second = onboarding(payments, provider)

    assert (first.status, second.status) == (200, 200), (first.body, second.body)
    (created,) = payments.stripe.requests_for("POST", ACCOUNTS)
    assert created.params["type"] == "express"
    assert created.params["metadata"] == {"provider_id": provider}
    assert created.params["capabilities"]["transfers"]["requested"] == "true"
    assert created.idempotency_key == f"connect-account-{provider}"
    account_id = created.response["id"]
    assert first.body["account_id"] == second.body["account_id"] == account_id
    assert payout_account(payments)["stripe_account_id"] == account_id
    assert payout_account(payments)["charges_enabled"] is False
    links = payments.stripe.requests_for("POST", LINKS)
    assert len(links) == 2
    assert all(link.params["account"] == account_id for link in links)
    assert links[0].params["type"] == "account_onboarding"
    assert links[0].params["return_url"].startswith("https://market.example/")
    assert links[0].params["refresh_url"].startswith("https://market.example/")
    assert first.body["url"] == links[0].response["url"]
    assert first.body["url"].startswith("https://connect.stripe.com/")


def test_onboarding_of_a_provider_with_an_account_only_makes_a_link(payments: Payments) -> None:
    response = onboarding(payments, payments.market.provider_id)

    assert response.status == 200, response.body
    assert response.body["account_id"] == payments.account_id
    assert payments.stripe.requests_for("POST", ACCOUNTS) == []
    assert payments.stripe.last_request("POST", LINKS).params["account"] == payments.account_id


def test_onboarding_as_a_client_is_forbidden_and_nothing_is_sent(payments: Payments) -> None:
    response = onboarding(payments, payments.client(0))

    assert response.status == 403
    assert "only providers" in response.body["message"]
    assert payments.stripe.requests == []


def test_onboarding_without_a_token_is_refused(payments: Payments) -> None:
    response = payments.invoke("connect", "POST", "/connect/onboarding")

    assert response.status == 401
    assert payments.stripe.requests == []


def test_account_updated_records_whether_the_provider_can_be_paid(payments: Payments) -> None:
    event = payments.stripe.update_account(payments.account_id, charges_enabled=False, payouts_enabled=False)

    response = payments.deliver(event)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "account_updated"
    account = payout_account(payments)
    assert (account["charges_enabled"], account["payouts_enabled"]) == (False, False)
    assert int(account["last_event_at"].timestamp()) == event["created"]
    booking = payments.book(payments.client(0))
    assert payments.checkout(payments.client(0), booking["invoice_id"]).status == 409

    enabled = payments.deliver(payments.stripe.update_account(payments.account_id, payouts_enabled=False))

    assert enabled.body["outcome"] == "account_updated"
    account = payout_account(payments)
    assert (account["charges_enabled"], account["payouts_enabled"]) == (True, False)
    assert payments.checkout(payments.client(0), booking["invoice_id"]).status == 201


def test_an_older_account_updated_after_a_newer_one_is_stale(payments: Payments) -> None:
    older = payments.stripe.update_account(payments.account_id, charges_enabled=False, payouts_enabled=False)
    payments.stripe.advance(60)
    newer = payments.stripe.update_account(payments.account_id)

    assert payments.deliver(newer).body["outcome"] == "account_updated"
    response = payments.deliver(older)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "stale"
    account = payout_account(payments)
    assert (account["charges_enabled"], account["payouts_enabled"]) == (True, True)
    assert int(account["last_event_at"].timestamp()) == newer["created"]


def test_a_repeated_account_updated_is_a_duplicate(payments: Payments) -> None:
    event = payments.stripe.update_account(payments.account_id, charges_enabled=False)
    payments.deliver(event)

    response = payments.deliver(event)

    assert response.status == 200
    assert response.body["outcome"] == "duplicate"


def test_account_updated_for_an_account_we_do_not_know_changes_nothing(payments: Payments) -> None:
    stranger = payments.stripe.add_account(email="someone@example.com")
    before = payout_account(payments)

    response = payments.deliver(payments.stripe.update_account(stranger, charges_enabled=False))

    assert response.status == 200, response.body
    assert response.body["outcome"] == "unknown_account"
    assert payout_account(payments) == before


def test_a_connect_event_signed_with_the_platform_secret_is_refused(payments: Payments) -> None:
    event = payments.stripe.update_account(payments.account_id, charges_enabled=False)
    before = payout_account(payments)

    response = payments.deliver(event, secret=payments.stripe.webhook_secret)

    assert response.status == 400
    assert payout_account(payments) == before
    assert payments.rows("select id from private.stripe_events") == []


def test_onboarding_retried_after_stripe_lost_its_answer_gets_the_same_account(payments: Payments) -> None:
    without_account(payments)
    provider = payments.market.provider_id
    accounts_before = set(payments.stripe.accounts)
    payments.stripe.fail_next(None, method="POST", path=ACCOUNTS, after=True)

    lost = onboarding(payments, provider)
    retried = onboarding(payments, provider)

    assert lost.status == 503, lost.body
    assert retried.status == 200, retried.body
    created = set(payments.stripe.accounts) - accounts_before
    assert created == {retried.body["account_id"]}
    first, second = payments.stripe.requests_for("POST", ACCOUNTS)
    assert second.replayed and first.idempotency_key == second.idempotency_key
    assert payout_account(payments)["stripe_account_id"] == retried.body["account_id"]
