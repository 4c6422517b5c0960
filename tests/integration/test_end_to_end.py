"""The seed article through the real broker and a real worker, checked from outside."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from pipeline.config.settings import Settings
from pipeline.contracts.schema_files import rendered_schemas
from tests.conftest import REPO, SEED_ARTICLE
from tests.integration.conftest import WorkerProcess, run_cli
from tests.integration.kafka_helpers import marker_beside, read_json, read_until, run

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


# Two alerts, Guterres's and then Lavrov's, in an article on the seed's partition sent after it:
# each partition is processed in order, so once one is out, all the seed's lines caused is out too.
MARKER_LINES = [
    "Antonio Guterres said the reports of war crimes in Mariupol had to be investigated.",
    "Sergei Lavrov said the reports of war crimes in Bucha were staged.",
]


@pytest.fixture(scope="module")
def marker(
    seed_ingested: None,
    pipeline_env: dict[str, str],
    pipeline_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    article = marker_beside(SEED_ID, pipeline_settings.partitions, "after-the-seed")
    source = tmp_path_factory.mktemp("marker") / "marker.jsonl"
    source.write_text(
        "".join(
            json.dumps({"article_id": article, "line_no": n, "text": text}) + "\n"
            for n, text in enumerate(MARKER_LINES, 1)
        )
    )
    result = run_cli(pipeline_env, "ingest", str(source))
    assert result.returncode == 0, result.stderr.decode()
    return article


def marker_alert(article: str, line_no: int) -> Callable[[dict[str, Any]], bool]:
    return lambda alert: (alert["article_id"], alert["line_no"]) == (article, line_no)


def tail_until(env: dict[str, str], args: list[str], last: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """What `tail --from-beginning ARGS` shows, up to and including the first alert ``last`` picks
    (within 60 s): no quiet spell decides that it has shown everything."""
    tail = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "tail", "--from-beginning", *args],
        env={**os.environ, **env},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert tail.stdout is not None
    printed: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: [printed.put(line) for line in tail.stdout or ()], daemon=True).start()
    shown: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    try:
        while not (shown and last(shown[-1])) and time.monotonic() < deadline:
            try:
                shown.append(json.loads(printed.get(timeout=max(0.0, deadline - time.monotonic()))))
            except queue.Empty:
                break
    finally:
        tail.terminate()
        _, stderr = tail.communicate(timeout=30)
    assert shown and last(shown[-1]), f"tail never showed the marker; it showed {shown}; {stderr.decode()[-2000:]}"
    return shown


def test_every_seed_line_is_classified(seed_ingested: None, pipeline_settings: Settings) -> None:
    every_line = lambda found: {c["line_no"] for c in found} >= set(range(1, 19))  # noqa: E731
    classified = run(read_until(pipeline_settings, pipeline_settings.topic_classified, done=every_line, where=of_seed))
    seed = [c for c in classified if of_seed(c)]
    assert sorted(c["line_no"] for c in seed) == list(range(1, 19))
    by_line = {c["line_no"]: c for c in seed}
    assert by_line[13]["speaker"]["name"] == "Antonio Guterres"
    assert by_line[4]["speaker"]["name"] == "Sergei Lavrov"


def test_exactly_the_two_expected_alerts_are_raised(marker: str, pipeline_settings: Settings) -> None:
    last = marker_alert(marker, 2)
    alerts = run(
        read_until(
            pipeline_settings,
            pipeline_settings.topic_alerts,
            done=lambda found: any(map(last, found)),
            where=lambda a: of_seed(a) or a["article_id"] == marker,
        )
    )
    seed = [a for a in alerts if of_seed(a)]
    assert sorted((a["kind"], a["speaker"]["name"], a["line_no"]) for a in seed) == [
        ("corridor_proposal", "Antonio Guterres", 8),
        ("war_crimes", "Antonio Guterres", 16),
    ]


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is installed by scripts/bootstrap")
def test_an_independent_client_reads_alerts_that_match_the_schema(marker: str, pipeline_settings: Settings) -> None:
    # Once the marker's last alert is out, every alert of the seed is there for kcat to read to the end.
    last = marker_alert(marker, 2)
    run(read_until(pipeline_settings, pipeline_settings.topic_alerts, done=lambda found: any(map(last, found))))
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


def test_tail_prints_the_alerts(marker: str, pipeline_env: dict[str, str]) -> None:
    alerts = tail_until(pipeline_env, ["--kind", "war_crimes"], marker_alert(marker, 2))
    assert {a["kind"] for a in alerts} == {"war_crimes"}
    assert ("guterres-lavrov-live", "Antonio Guterres") in {(a["article_id"], a["speaker"]["name"]) for a in alerts}


def test_each_alert_is_also_on_the_topic_of_its_kind(seed_ingested: None, pipeline_settings: Settings) -> None:
    for kind in ("corridor_proposal", "war_crimes"):
        on_kind = run(
            read_json(pipeline_settings, f"{pipeline_settings.topic_alerts}.{kind}", until=1, timeout=60, where=of_seed)
        )
        assert [a["kind"] for a in on_kind] == [kind]


def test_tail_filters_by_speaker_and_article(marker: str, pipeline_env: dict[str, str]) -> None:
    guterres = tail_until(pipeline_env, ["--speaker", "guterres"], marker_alert(marker, 1))
    assert {a["speaker"]["name"] for a in guterres} == {"Antonio Guterres"}
    assert sorted(a["kind"] for a in guterres if of_seed(a)) == ["corridor_proposal", "war_crimes"]
    # Lavrov speaks in both articles asked for, and raises an alert only in the marker.
    lavrov = tail_until(
        pipeline_env, ["--speaker", "Lavrov", "--article", SEED_ID, "--article", marker], marker_alert(marker, 2)
    )
    assert [(a["article_id"], a["speaker"]["name"]) for a in lavrov] == [(marker, "Sergei Lavrov")]
