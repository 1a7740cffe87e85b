"""Payments: Stripe Checkout, webhooks, refunds and Connect payouts, one small app per Lambda."""
