"""A producer writing straight to the lines topic may send only article, line number and text."""

from __future__ import annotations

import base64
import json

import pytest

from pipeline.config.settings import Settings
from pipeline.contracts.events import LineEvent
from tests.integration.conftest import WorkerProcess
from tests.integration.kafka_helpers import produce_raw, read_json, read_until, run

pytestmark = pytest.mark.integration


def test_minimal_lines_are_classified_with_the_ids_ingest_would_give(
    worker: WorkerProcess, pipeline_settings: Settings
) -> None:
    article = "cms-minimal"
    lines = [
        "Foreign Minister Dmytro Kuleba spoke to reporters in Kyiv on Tuesday.",
        "He said the shelling of the hospital was a war crime.",
    ]
    # A third line with nothing in it, sent last on the article's partition: its dead letter comes out
    # after any the first two could cause.
    marker = (article.encode(), json.dumps({"article_id": article, "line_no": 3, "text": "   "}).encode())
    run(
        produce_raw(
            pipeline_settings,
            pipeline_settings.topic_lines,
            [
                *[
                    (article.encode(), json.dumps({"article_id": article, "line_no": n, "text": text}).encode())
                    for n, text in enumerate(lines, start=1)
                ],
                marker,
            ],
        )
    )
    classified = run(
        read_json(
            pipeline_settings,
            pipeline_settings.topic_classified,
            until=2,
            timeout=60,
            where=lambda c: c["article_id"] == article,
        )
    )
    mine = sorted((c for c in classified if c["article_id"] == article), key=lambda c: c["line_no"])
    assert [c["line_event_id"] for c in mine] == [LineEvent.id_for(article, 1), LineEvent.id_for(article, 2)]
    assert mine[1]["speaker"]["name"] == "Dmytro Kuleba"
    letters = run(
        read_until(
            pipeline_settings,
            pipeline_settings.topic_dlq,
            done=lambda found: any(d["reason"] == "empty_text" for d in found),
            where=lambda d: d["key"] == article,
        )
    )
    assert [(d["reason"], base64.b64decode(d["payload_base64"])) for d in letters] == [("empty_text", marker[1])]
