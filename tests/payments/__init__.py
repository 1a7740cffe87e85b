"""Payments: the Stripe boundary, the payment apps and their Lambda handlers."""
