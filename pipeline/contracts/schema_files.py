"""JSON Schema files generated from the event models; ``schemas/`` is never edited by hand."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.contracts.events import EVENT_MODELS, SCHEMA_VERSION

__all__ = ["stale_schemas", "write_schemas"]


def rendered_schemas() -> dict[str, str]:
    """File name -> schema text, for every event type."""
    out = {}
    for name, model in EVENT_MODELS.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{name}.v{SCHEMA_VERSION}.schema.json"
        out[f"{name}.v{SCHEMA_VERSION}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in rendered_schemas().items():
        path = directory / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Schema files that are missing, differ from the models, or belong to no model."""
    expected = rendered_schemas()
    stale = [
        name
        for name, text in expected.items()
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text
    ]
    extra = [p.name for p in directory.glob("*.schema.json") if p.name not in expected]
    return sorted(stale + extra)
