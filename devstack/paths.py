"""Where the project's files are."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout: $MARKETBASE_ROOT, else the nearest parent of the working directory
    holding supabase/config.toml, else the checkout this package was installed from."""
    if env := os.environ.get("MARKETBASE_ROOT"):
        return Path(env).resolve()
    for directory in (Path.cwd(), *Path.cwd().parents):
        if (directory / "supabase" / "config.toml").is_file():
            return directory
    return Path(__file__).resolve().parents[1]


def platform_files(root: Path) -> list[Path]:
    return sorted((root / "sql" / "platform").glob("*.sql"))


def migration_files(root: Path) -> list[Path]:
    return sorted((root / "supabase" / "migrations").glob("*.sql"))


def seed_file(root: Path) -> Path:
    return root / "supabase" / "seed.sql"


def pgtap_files(root: Path) -> list[Path]:
    return sorted((root / "supabase" / "tests").glob("*.sql"))
