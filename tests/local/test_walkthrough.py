"""The README's walkthrough is true: each `$ marketbase as ...` command it shows, run on a
freshly seeded database, prints exactly the output the README shows under it."""

from __future__ import annotations

import re
import shlex

import pytest

from devstack import schema
from devstack.cli import main
from tests.support.database import ROOT, TestDatabase

SECTION = "## Walkthrough: the demo marketplaces"


def walkthrough() -> list[tuple[list[str], str]]:
    """(argv, expected output) for every command of the section's console blocks."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    steps = []
    for block in re.findall(r"```console\n(.*?)```", section, flags=re.S):
        for command in re.split(r"^(?=\$ )", block, flags=re.M):
            if not command.strip():
                continue
            line, _, output = command.partition("\n")
            steps.append((shlex.split(line.removeprefix("$ "))[1:], output.rstrip("\n").rstrip() + "\n"))
    return steps


def test_the_readme_has_a_walkthrough_for_every_seed() -> None:
    shown = " ".join(" ".join(argv) for argv, _ in walkthrough())
    for person in (
        "petowner@petlab.local",
        "client@consulting.local",
        "coachee@coaching.local",
        "plumber@homeservices.local",
    ):
        assert person in shown


def test_every_walkthrough_command_prints_what_the_readme_shows(
    test_database: TestDatabase, fresh_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = test_database.url(fresh_db)
    schema.apply_seed(url, ROOT)
    monkeypatch.setenv("DATABASE_URL", url)
    for argv, expected in walkthrough():
        assert main(argv) == 0, argv
        printed = capsys.readouterr().out
        assert printed == expected, f"marketbase {shlex.join(argv)}"
