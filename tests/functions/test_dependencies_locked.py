"""pyproject.toml, the lock files and the Lambda code agree.

- requirements.lock (what development and CI install) pins every runtime dependency and the dev
  extra, requirements-layer.lock (what the Lambda layer ships) every runtime dependency, each at
  a version its floor in pyproject.toml allows;
- each lock holds exactly what its packages require, extras included, and nothing else:
  scripts/build-layer and scripts/setup install them with no resolution of their own;
- the layer ships the versions CI tested;
- the Lambda code (functions/, handlers/) imports every runtime dependency,
  and nothing outside them: a Lambda ships only what it imports.

After editing pyproject.toml, `scripts/lock` writes both locks again.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(text) for text in PYPROJECT["dependencies"]]
DEV = [Requirement(text) for text in PYPROJECT["optional-dependencies"]["dev"]]
LAMBDA_CODE = [ROOT / "functions", ROOT / "handlers"]

# The marker environment requirements-layer.lock is resolved for: CPython 3.12 on manylinux aarch64.
LAMBDA_ENVIRONMENT = {
    "implementation_name": "cpython",
    "implementation_version": "3.12.0",
    "os_name": "posix",
    "platform_machine": "aarch64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": "3.12.0",
    "python_version": "3.12",
    "sys_platform": "linux",
}
HERE: dict[str, str] = {}  # this machine's own environment: requirements.lock is resolved for any platform

LOCK_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", re.M)


class Lock:
    def __init__(self, name: str, environment: Mapping[str, str]):
        self.name, self.environment = name, environment
        self.text = (ROOT / name).read_text()
        # The packages this environment installs: lines whose marker, if any, holds here.
        self.pins: dict[NormalizedName, Version] = {
            canonicalize_name(package): Version(version)
            for package, version, marker in LOCK_LINE.findall(self.text)
            if not marker or self.holds(marker)
        }

    def holds(self, marker: str, extra: str = "") -> bool:
        return Marker(marker).evaluate({**self.environment, "extra": extra})  # over this machine's values

    def requires(self, requirement: Requirement, extras: Iterable[str] = ()) -> list[Requirement]:
        """What a locked package requires with these extras, here (its metadata, as installed)."""
        installed = metadata.distribution(requirement.name)
        assert Version(installed.version) == self.pins[canonicalize_name(requirement.name)], (
            f"{requirement.name} {installed.version} is installed, {self.name} pins "
            f"{self.pins[canonicalize_name(requirement.name)]}: run scripts/setup"
        )
        wanted = []
        for text in installed.requires or []:
            needed = Requirement(text)
            if needed.marker is None or any(self.holds(str(needed.marker), extra) for extra in ["", *extras]):
                wanted.append(needed)
        return wanted

    def closure(self, roots: Iterable[Requirement]) -> set[NormalizedName]:
        """Every package the roots need in this environment, extras followed."""
        seen: set[tuple[NormalizedName, frozenset[str]]] = set()
        todo = [r for r in roots if r.marker is None or self.holds(str(r.marker))]
        while todo:
            requirement = todo.pop()
            key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
            if key in seen:
                continue
            seen.add(key)
            assert key[0] in self.pins, f"{self.name} lacks {requirement.name}, which something locked needs"
            todo.extend(self.requires(requirement, requirement.extras))
        return {name for name, _ in seen}


DEV_LOCK = Lock("requirements.lock", HERE)
LAYER_LOCK = Lock("requirements-layer.lock", LAMBDA_ENVIRONMENT)
LOCKS = {"requirements.lock": (DEV_LOCK, RUNTIME + DEV), "requirements-layer.lock": (LAYER_LOCK, RUNTIME)}


@pytest.mark.parametrize("lock_name", list(LOCKS))
def test_every_dependency_is_locked_at_a_version_its_floor_allows(lock_name: str) -> None:
    lock, requirements = LOCKS[lock_name]
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in lock.pins, f"{lock_name} does not pin {requirement}: run scripts/lock"
        assert requirement.specifier.contains(lock.pins[name], prereleases=True), (
            f"{lock_name} pins {name}=={lock.pins[name]}, which {requirement} refuses: run scripts/lock"
        )


@pytest.mark.parametrize("lock_name", list(LOCKS))
def test_each_lock_holds_what_its_packages_need_and_nothing_else(lock_name: str) -> None:
    lock, requirements = LOCKS[lock_name]
    needed = lock.closure(requirements)
    assert set(lock.pins) - needed == set(), f"{lock_name} pins packages nothing needs: run scripts/lock"


@pytest.mark.parametrize("lock_name", list(LOCKS))
def test_every_locked_package_is_pinned_by_its_hashes(lock_name: str) -> None:
    lock, _ = LOCKS[lock_name]
    entries = re.findall(r"^([A-Za-z0-9][^\n]*==[^\n]*)\n((?:[ \t][^\n]*\n?)*)", lock.text, re.M)
    assert len(entries) >= len(lock.pins)
    unhashed = [line for line, rest in entries if "--hash=sha256:" not in rest]
    assert unhashed == [], f"{lock_name}: no hash for {unhashed}: run scripts/lock"


def test_the_layer_ships_the_versions_ci_tested() -> None:
    differ = {
        name: (str(version), str(DEV_LOCK.pins.get(name)))
        for name, version in LAYER_LOCK.pins.items()
        if DEV_LOCK.pins.get(name) != version
    }
    assert differ == {}, "requirements-layer.lock differs from requirements.lock (layer, tested): run scripts/lock"


def third_party_imports() -> dict[str, set[str]]:
    """Top-level names of what the Lambda code imports from outside the standard library and
    itself, with the files importing each (imports inside functions and TYPE_CHECKING included)."""
    found: dict[str, set[str]] = {}
    for base in LAMBDA_CODE:
        for path in base.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in ("functions", "handlers", "devstack"):
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_lambda_code_imports_every_runtime_dependency_and_nothing_else() -> None:
    providers = metadata.packages_distributions()
    declared = {canonicalize_name(r.name) for r in RUNTIME}
    # What a declared extra brings (psycopg[pool]: psycopg-pool) is declared too.
    by_extras = {
        canonicalize_name(needed.name)
        for requirement in RUNTIME
        if requirement.extras
        for needed in LAYER_LOCK.requires(requirement, requirement.extras)
        if needed.marker is not None and "extra" in str(needed.marker)
    }
    imported: dict[NormalizedName, set[str]] = {}
    for top, files in third_party_imports().items():
        distributions = {canonicalize_name(d) for d in providers.get(top, [])}
        assert distributions, f"{top} (imported by {sorted(files)}) comes from no installed distribution"
        assert distributions & (declared | by_extras), (
            f"{top} is imported by {sorted(files)} but its distribution ({', '.join(sorted(distributions))}) "
            "is not among pyproject.toml's dependencies"
        )
        for distribution in distributions:
            imported.setdefault(distribution, set()).update(files)
    unused = sorted(declared - set(imported))
    assert unused == [], f"pyproject.toml declares {unused}, which no Lambda code imports: ship only what it imports"
