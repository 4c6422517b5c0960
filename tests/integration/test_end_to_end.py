"""The seed article through the real broker and a real worker, checked from outside."""

from __future__ import annotations

import json
import shutil
import subprocess

import jsonschema
import pytest

from pipeline.schema_files import rendered_schemas
from pipeline.settings import Settings
from tests.conftest import SEED_ARTICLE
from tests.integration.conftest import WorkerProcess, run_cli
from tests.integration.kafka_helpers import read_json, run

pytestmark = pytest.mark.integration
SEED_ID = "guterres-lavrov-live"


def of_seed(message: dict[str, object]) -> bool:
    return message["article_id"] == SEED_ID


ALERT_SCHEMA = json.loads(rendered_schemas()["alert.v1.schema.json"])


@pytest.fixture(scope="module")
def seed_ingested(worker: WorkerProcess, pipeline_env: dict[str, str]) -> None:
    result = run_cli(pipeline_env, "ingest", str(SEED_ARTICLE))
    assert result.returncode == 0, result.stderr.decode()
    assert b"published 18 line(s)" in result.stderr


def test_every_seed_line_is_classified(seed_ingested: None, pipeline_settings: Settings) -> None:
    classified = run(
        read_json(pipeline_settings, pipeline_settings.topic_classified, until=18, timeout=60, where=of_seed)
    )
    seed = [c for c in classified if of_seed(c)]
    assert sorted(c["line_no"] for c in seed) == list(range(1, 19))
    by_line = {c["line_no"]: c for c in seed}
    assert by_line[13]["speaker"]["name"] == "Antonio Guterres"
    assert by_line[4]["speaker"]["name"] == "Sergei Lavrov"


def test_exactly_the_two_expected_alerts_are_raised(seed_ingested: None, pipeline_settings: Settings) -> None:
    alerts = run(
        read_json(pipeline_settings, pipeline_settings.topic_alerts, until=2, timeout=60, settle=5, where=of_seed)
    )
    seed = [a for a in alerts if of_seed(a)]
    assert sorted((a["kind"], a["speaker"]["name"], a["line_no"]) for a in seed) == [
        ("corridor_proposal", "Antonio Guterres", 8),
        ("war_crimes", "Antonio Guterres", 16),
    ]


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is installed by scripts/bootstrap")
def test_an_independent_client_reads_alerts_that_match_the_schema(
    seed_ingested: None, pipeline_settings: Settings
) -> None:
    run(read_json(pipeline_settings, pipeline_settings.topic_alerts, until=2, timeout=60, where=of_seed))
    result = subprocess.run(
        [
            "kcat",
            "-b",
            pipeline_settings.kafka_bootstrap_servers,
            "-C",
            "-t",
            pipeline_settings.topic_alerts,
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%s\\n",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    alerts = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    seed = [a for a in alerts if of_seed(a)]
    assert len(seed) == 2
    for alert in seed:
        jsonschema.validate(alert, ALERT_SCHEMA)


def test_tail_prints_the_alerts(seed_ingested: None, pipeline_env: dict[str, str], pipeline_settings: Settings) -> None:
    run(read_json(pipeline_settings, pipeline_settings.topic_alerts, until=2, timeout=60, where=of_seed))
    result = run_cli(pipeline_env, "tail", "--from-beginning", "--kind", "war_crimes", "--idle-timeout", "5")
    assert result.returncode == 0, result.stderr.decode()
    alerts = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert {a["kind"] for a in alerts} == {"war_crimes"}
    assert ("guterres-lavrov-live", "Antonio Guterres") in {(a["article_id"], a["speaker"]["name"]) for a in alerts}


def test_each_alert_is_also_on_the_topic_of_its_kind(seed_ingested: None, pipeline_settings: Settings) -> None:
    for kind in ("corridor_proposal", "war_crimes"):
        on_kind = run(
            read_json(pipeline_settings, f"{pipeline_settings.topic_alerts}.{kind}", until=1, timeout=60, where=of_seed)
        )
        assert [a["kind"] for a in on_kind] == [kind]


def test_tail_filters_by_speaker_and_article(
    seed_ingested: None, pipeline_env: dict[str, str], pipeline_settings: Settings
) -> None:
    run(read_json(pipeline_settings, pipeline_settings.topic_alerts, until=2, timeout=60, where=of_seed))
    args = ("tail", "--from-beginning", "--idle-timeout", "5", "--article", "guterres-lavrov-live")
    result = run_cli(pipeline_env, *args, "--speaker", "guterres")
    assert result.returncode == 0, result.stderr.decode()
    alerts = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert sorted(a["kind"] for a in alerts) == ["corridor_proposal", "war_crimes"]
    nobody = run_cli(pipeline_env, *args, "--speaker", "Lavrov")
    assert nobody.returncode == 0 and nobody.stdout == b""
