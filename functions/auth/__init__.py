"""Supabase Auth's side of a request: verifying the caller's access token (issuing and signing
claims, for the local stack and tests, is devstack/claims.py)."""
