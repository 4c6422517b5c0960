"""Bad input on the lines topic goes to the dead-letter topic, and the worker goes on."""

from __future__ import annotations

import base64
import json

import pytest

from pipeline.config.settings import Settings
from tests.integration.conftest import WorkerProcess
from tests.integration.kafka_helpers import produce_raw, read_json, run

pytestmark = pytest.mark.integration


def line(article: str, line_no: int, text: str) -> bytes:
    return json.dumps(
        {
            "schema_version": 1,
            "event_id": f"{article}-{line_no}",
            "article_id": article,
            "line_no": line_no,
            "text": text,
            "ingested_at": "2026-01-01T00:00:00Z",
        }
    ).encode()


def test_a_malformed_message_is_dead_lettered_and_the_next_good_one_processed(
    worker: WorkerProcess, pipeline_settings: Settings
) -> None:
    article = "dlq-check"
    run(
        produce_raw(
            pipeline_settings,
            pipeline_settings.topic_lines,
            [
                (article.encode(), b'{"article_id": "dlq-check", "line_no": 1, "text": '),
                (article.encode(), line(article, 2, "   ")),
                (article.encode(), line(article, 3, "Dmytro Kuleba said the atrocities were war crimes.")),
            ],
        )
    )
    letters = run(
        read_json(
            pipeline_settings, pipeline_settings.topic_dlq, until=2, timeout=60, where=lambda d: d["key"] == article
        )
    )
    mine = [d for d in letters if d["key"] == article]
    assert [d["reason"] for d in mine] == ["invalid_json", "empty_text"]
    assert base64.b64decode(mine[0]["payload_base64"]).startswith(b'{"article_id": "dlq-check"')
    classified = run(
        read_json(
            pipeline_settings,
            pipeline_settings.topic_classified,
            until=1,
            timeout=60,
            where=lambda c: c["article_id"] == article,
        )
    )
    good = [c for c in classified if c["article_id"] == article]
    assert [(c["line_no"], c["speaker"]["name"]) for c in good] == [(3, "Dmytro Kuleba")]
    assert worker.process.poll() is None
