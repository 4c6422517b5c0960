"""A live blog republished as it grows: only new lines are published, a corrected line as a correction."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from pipeline.config.settings import Settings
from tests.integration.conftest import HttpServer, WorkerProcess, run_cli
from tests.integration.kafka_helpers import read_json, read_until, run

pytestmark = pytest.mark.integration

FIRST = ["Foreign Minister Dmytro Kuleba visited Bucha on Sunday.", "Kuleba said the killings there were war crimes."]
SECOND = [
    "Rescue teams reached the town on Monday.",
    FIRST[0],
    "Prosecutor General Iryna Venediktova said the killings there were war crimes.",  # the attribution put right
]
# A later version's new line, sent after the ones under test: once its line and its alert (a new
# speaker's) are out, whatever the versions before it caused is out too, on the item's partition.
MARKER = "Defence Minister Oleksii Reznikov said the shelling of the shelters amounted to war crimes."


def ninjs(uri: str, lines: list[str], version: int) -> dict[str, object]:
    html = "".join(f"<p>{line}</p>" for line in lines)
    return {
        "uri": uri,
        "version": str(version),
        "versioncreated": f"2026-05-0{version}T10:00:00Z",
        "headlines": [{"role": "main", "value": "Live: the war in Ukraine"}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": html}],
    }


def test_a_growing_live_blog_publishes_its_new_lines_and_a_correction_without_a_second_alert(
    worker: WorkerProcess,
    http_server: HttpServer,
    pipeline_env: dict[str, str],
    pipeline_settings: Settings,
    tmp_path: Path,
) -> None:
    uri = f"urn:newsroom:live-{uuid.uuid4().hex[:6]}"
    first = tmp_path / "live-v1.json"
    first.write_text(json.dumps(ninjs(uri, FIRST, 1), indent=2))
    ingested = run_cli(pipeline_env, "ingest", str(first))
    assert ingested.returncode == 0, ingested.stderr
    assert b"1 news item(s)" in ingested.stderr
    mine = lambda e: e["article_id"] == uri  # noqa: E731
    run(read_json(pipeline_settings, pipeline_settings.topic_classified, until=2, timeout=60, where=mine))

    response = httpx.post(
        f"{http_server.url}/v1/items",
        json=ninjs(uri, SECOND, 2),
        headers={"Authorization": f"Bearer {http_server.token}"},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    classified = run(read_json(pipeline_settings, pipeline_settings.topic_classified, until=4, timeout=60, where=mine))
    assert [(c["line_no"], c["text"], c.get("corrects_line_no")) for c in classified] == [
        (1, FIRST[0], None),
        (2, FIRST[1], None),
        (3, SECOND[0], None),
        (4, SECOND[2], 2),
    ]
    # Sent again unchanged, the item brings nothing: nothing comes out before the next version's line.
    assert run_cli(pipeline_env, "ingest", str(first)).returncode == 0
    third = tmp_path / "live-v3.json"
    third.write_text(json.dumps(ninjs(uri, [*SECOND, MARKER], 3), indent=2))
    assert run_cli(pipeline_env, "ingest", str(third)).returncode == 0
    marked = lambda found: any(m["line_no"] == 5 for m in found)  # noqa: E731
    lines = run(read_until(pipeline_settings, pipeline_settings.topic_lines, done=marked, where=mine))
    assert [(line["line_no"], line["text"]) for line in lines] == [
        (1, FIRST[0]),
        (2, FIRST[1]),
        (3, SECOND[0]),
        (4, SECOND[2]),
        (5, MARKER),
    ]
    alerts = run(read_until(pipeline_settings, pipeline_settings.topic_alerts, done=marked, where=mine))
    assert [(a["line_no"], a["kind"], a["speaker"]["name"]) for a in alerts] == [
        (2, "war_crimes", "Dmytro Kuleba"),
        (5, "war_crimes", "Oleksii Reznikov"),
    ]
