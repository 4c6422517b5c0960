from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema

from pipeline.domain.classifier import LineClassifier
from pipeline.offline import classify_events
from pipeline.schema_files import rendered_schemas, stale_schemas
from pipeline.sources import read_events
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
