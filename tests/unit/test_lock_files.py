"""The lock files (scripts/lock) against what pyproject.toml asks for: a dependency added, dropped or
given a range its pin no longer meets fails here, before an install from the lock goes without it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from tests.conftest import REPO

RUNTIME_LOCK = REPO / "requirements.txt"
DEV_LOCK = REPO / "requirements-dev.txt"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
LOCKED_BY_THE_PROJECT = "news-pipeline (pyproject.toml)"  # pip-compile's note on a direct dependency


def entries(lock: Path) -> dict[NormalizedName, tuple[Version, str]]:
    """Each package pinned, with its version and its entry's text (hashes and pip-compile's notes)."""
    pinned = re.split(r"^(?=[A-Za-z0-9])", lock.read_text(), flags=re.MULTILINE)
    found = (re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", entry) for entry in pinned)
    return {
        canonicalize_name(match[1]): (Version(match[2]), entry)
        for match, entry in zip(found, pinned, strict=True)
        if match
    }


def pins(lock: Path) -> dict[NormalizedName, Version]:
    return {name: version for name, (version, _) in entries(lock).items()}


def hashed(lock: Path) -> set[NormalizedName]:
    return {name for name, (_, entry) in entries(lock).items() if re.search(r"--hash=sha256:[0-9a-f]{64}", entry)}


def pinned_for_the_project(lock: Path) -> set[NormalizedName]:
    """The packages the lock says it holds because pyproject.toml names them."""
    return {name for name, (_, entry) in entries(lock).items() if LOCKED_BY_THE_PROJECT in entry}


def applicable(requirements: list[str]) -> list[Requirement]:
    """The requirements that hold on this Python and platform (the one locked for)."""
    parsed = [Requirement(text) for text in requirements]
    return [req for req in parsed if req.marker is None or req.marker.evaluate({"extra": ""})]


RUNTIME = applicable(PROJECT["project"]["dependencies"])
DEV = applicable(PROJECT["project"]["optional-dependencies"]["dev"])
BUILD = applicable(PROJECT["build-system"]["requires"])


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [(RUNTIME_LOCK, RUNTIME + BUILD), (DEV_LOCK, RUNTIME + DEV + BUILD)],
    ids=["runtime lock", "dev lock"],
)
def test_every_requirement_of_pyproject_is_pinned_at_a_version_it_allows(
    lock: Path, requirements: list[Requirement]
) -> None:
    pinned = pins(lock)
    missing = [str(req) for req in requirements if canonicalize_name(req.name) not in pinned]
    assert not missing, f"{lock.name} lacks {missing}: run scripts/lock"
    outside = {
        str(req): str(pinned[canonicalize_name(req.name)])
        for req in requirements
        if not req.specifier.contains(pinned[canonicalize_name(req.name)], prereleases=True)
    }
    assert not outside, f"{lock.name} pins versions pyproject.toml does not allow {outside}: run scripts/lock"


@pytest.mark.parametrize(
    ("lock", "requirements"), [(RUNTIME_LOCK, RUNTIME), (DEV_LOCK, RUNTIME + DEV)], ids=["runtime lock", "dev lock"]
)
def test_no_lock_keeps_a_dependency_pyproject_no_longer_names(lock: Path, requirements: list[Requirement]) -> None:
    named = {canonicalize_name(req.name) for req in requirements}
    assert pinned_for_the_project(lock), f"{lock.name} has no pip-compile notes to check against"
    stale = pinned_for_the_project(lock) - named
    assert not stale, f"{lock.name} still pins {sorted(stale)} for pyproject.toml: run scripts/lock"


def test_the_runtime_lock_is_the_dev_lock_without_the_dev_tools() -> None:
    runtime, dev = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    assert not runtime.keys() - dev.keys(), "requirements.txt pins what requirements-dev.txt does not: run scripts/lock"
    differing = {name: (str(runtime[name]), str(dev[name])) for name in runtime if runtime[name] != dev[name]}
    assert not differing, f"the two locks pin different versions {differing}: run scripts/lock"


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=["runtime lock", "dev lock"])
def test_every_pinned_package_comes_with_the_hashes_of_its_files(lock: Path) -> None:
    unhashed = pins(lock).keys() - hashed(lock)
    assert not unhashed, f"{lock.name} has no hash for {sorted(unhashed)}"


def test_the_dev_lock_brings_pip_and_setuptools_for_the_virtualenv() -> None:
    assert {"pip", "setuptools"} <= pins(DEV_LOCK).keys()


def test_the_image_is_built_from_a_base_pinned_by_digest_and_the_runtime_lock_with_hashes() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim@sha256:[0-9a-f]{64}\s*$", dockerfile, re.MULTILINE), dockerfile
    assert re.search(r"pip install .*--require-hashes.* -r requirements\.txt", dockerfile), dockerfile
