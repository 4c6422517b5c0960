"""The unit tests give the same verdict whatever NEWS_ settings the caller has exported."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def test_unit_tests_ignore_the_callers_exported_settings() -> None:
    exported = {
        **os.environ,
        "NEWS_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:19292",
        "NEWS_PARTITIONS": "7",
        "NEWS_LOG_LEVEL": "DEBUG",
        "KAFKA_PORT": "19292",
    }
    checks = "tests/unit/test_security_and_supervision.py"  # among them: Settings() has the default address
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", checks],
        cwd=REPO,
        env=exported,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2_000:]
