"""Supabase Auth's side of a request: access token claims and their signing."""
