"""Test support: the database under test and acting as Supabase's callers."""
