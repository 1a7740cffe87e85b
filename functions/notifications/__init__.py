"""Notifications: the dispatcher that turns the database's outbox into delivered messages.

`render` fills the `{{ name }}` templates the database chose; `channels` holds one adapter per
provider (SMTP and Resend for email, Twilio for SMS, FCM for push), each classifying the
provider's answer into the outcome `service.record_delivery` records.
"""
