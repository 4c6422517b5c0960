from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import jsonschema
import pytest

from pipeline.contracts.events import event_id
from pipeline.contracts.schema_files import rendered_schemas, stale_schemas
from pipeline.domain.classifier import LineClassifier
from pipeline.formats.sources import read_events
from pipeline.worker.offline import classify_events
from tests.conftest import REPO, SEED_ARTICLE


def test_schemas_directory_matches_the_models() -> None:
    assert stale_schemas(REPO / "schemas") == [], "run `python -m pipeline schemas` and commit schemas/"


def test_every_event_validates_against_its_published_schema(classifier: LineClassifier) -> None:
    schemas = {name.split(".")[0]: json.loads(text) for name, text in rendered_schemas().items()}
    now = datetime.now(UTC)
    lines = list(read_events(str(SEED_ARTICLE), SEED_ARTICLE.read_bytes(), now))
    for line in lines:
        jsonschema.validate(json.loads(line.model_dump_json()), schemas["line"])  # type: ignore[union-attr]
    outputs = list(classify_events(classifier, lines, now))  # type: ignore[arg-type]
    for event in outputs:
        name = "alert" if getattr(event, "type", "") == "news.alert" else "classified-line"
        jsonschema.validate(json.loads(event.model_dump_json()), schemas[name])


@pytest.mark.parametrize(
    "parts",
    [("line", "a", 1), ("classified", "guterres-lavrov-live", 18), ("alert", "x", "war_crimes", "war_crimes|é"), ()],
)
def test_event_ids_are_the_uuid5_of_their_parts(parts: tuple[object, ...]) -> None:
    namespace = uuid.UUID("6f1c35e4-2b8e-5c3a-9a57-2c1f0b6d7e90")
    assert event_id(*parts) == str(uuid.uuid5(namespace, "\x1f".join(str(p) for p in parts)))
