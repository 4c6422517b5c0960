"""Which article ids the pipeline takes: printable ones only, refused by name everywhere they come in."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import quote

import jsonschema
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from pipeline.config.settings import Settings
from pipeline.contracts.decoding import Failure, Origin, dead_letter, decode_line
from pipeline.contracts.events import ARTICLE_ID_PATTERN, LineEvent
from pipeline.contracts.schema_files import rendered_schemas
from pipeline.formats.sources import Rejected, read_lines
from pipeline.web.alert_feed import AlertFeed
from pipeline.web.api import build_http_app

NOW = datetime(2026, 1, 1, tzinfo=UTC)

UNPRINTABLE = {
    "NUL": "\x00",
    "ESC sequence": "\x1b[2J\x1b[H",
    "CR": "\r",
    "LF": "\n",
    "TAB": "\t",
    "DEL": "\x7f",
    "NEL U+0085": "\x85",
    "CSI U+009B": "\x9b",
    "no-break space": "\xa0",
    "zero-width space": "\u200b",
    "line separator U+2028": "\u2028",
    "paragraph separator U+2029": "\u2029",
    "right-to-left override U+202E": "\u202e",
    "left-to-right isolate U+2066": "\u2066",
    "right-to-left isolate U+2067": "\u2067",
    "first strong isolate U+2068": "\u2068",
    "pop directional isolate U+2069": "\u2069",
    "byte-order mark": "\ufeff",
    "tag character": "\U000e0041",
    "private use": "\ue000",
}

NEWSROOM_IDS = [
    "guterres-lavrov-live",
    "cms-42",
    "urn:newsml:reuters.com:20260301:nL8N3F012X:1",
    "tag:example.org,2026:story/7",
    "https://www.example.org/world/2026/03/01/story.html?id=7&lang=en#live",
    "Élection présidentielle 2026",
    "الانتخابات-٢٠٢٦",
    "選挙速報",
    "a",
    "x" * 200,
]


def line(article_id: str) -> LineEvent:
    return LineEvent(
        event_id=LineEvent.id_for(article_id, 1), article_id=article_id, line_no=1, text="Hello.", ingested_at=NOW
    )


@pytest.mark.parametrize("article_id", NEWSROOM_IDS)
def test_slugs_urns_urls_and_ids_in_any_script_are_taken(article_id: str) -> None:
    assert line(article_id).article_id == article_id


@pytest.mark.parametrize("char", UNPRINTABLE.values(), ids=UNPRINTABLE.keys())
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_an_article_id_with_a_character_that_is_not_printable_is_refused_naming_it(char: str, where: str) -> None:
    article_id = {"start": char + "story", "middle": "sto" + char + "ry", "end": "story" + char}[where]
    with pytest.raises(ValidationError) as refused:
        line(article_id)
    [problem] = refused.value.errors()
    assert problem["loc"] == ("article_id",)
    assert f"U+{ord(char[0]):04X}" in problem["msg"]
    assert char[0] not in problem["msg"]  # the message names the character without carrying it


@pytest.mark.parametrize("article_id", [" story", "story ", "", "x" * 201])
def test_an_article_id_is_not_padded_with_spaces_nor_empty_nor_too_long(article_id: str) -> None:
    with pytest.raises(ValidationError):
        line(article_id)


def test_spaces_inside_an_article_id_are_taken() -> None:
    assert line("live blog 7").article_id == "live blog 7"


@pytest.mark.parametrize("char", UNPRINTABLE.values(), ids=UNPRINTABLE.keys())
def test_a_line_whose_article_id_is_refused_becomes_an_invalid_event_dead_letter(char: str) -> None:
    for form in (
        {"article_id": f"cms{char}42", "line_no": 1, "text": "Hello."},
        {"event_id": "e", "article_id": f"cms{char}42", "line_no": 1, "text": "Hello.", "ingested_at": NOW.isoformat()},
    ):
        raw = json.dumps(form).encode()
        failure = decode_line(raw, 65_536, received_at=NOW.timestamp())
        assert isinstance(failure, Failure)
        letter = dead_letter(failure, Origin("news.lines", 0, 7, f"cms{char}42".encode()), raw, NOW)
        assert letter.reason == "invalid_event"
        assert f"article_id: Value error, character 4 is U+{ord(char[0]):04X}" in letter.detail
        assert letter.payload_text == raw.decode()  # the original kept, as for any dead letter


def test_ingest_refuses_an_article_whose_id_is_not_printable_naming_the_file_and_line() -> None:
    archive = json.dumps({"article_id": "cms\u202e24", "line_no": 1, "text": "Hello."}).encode() + b"\n"
    [refused] = list(read_lines("feed.jsonl", archive, NOW))
    assert isinstance(refused, Rejected)
    assert str(refused).startswith("feed.jsonl:1: article_id: ") and "U+202E" in str(refused)


@pytest.mark.parametrize("char", ["\x1b", "\r", "\x00", "\x85", "\u2028", "\u2029", "\u202e", "\u2066", "\u2069"])
def test_the_http_api_answers_422_naming_the_article_id(char: str) -> None:
    token = "a-t0ken-for-these-tests-only"
    http = TestClient(build_http_app(Settings(http_token=token), _Refusing(), AlertFeed()))
    headers = {"Authorization": f"Bearer {token}"}
    response = http.post(
        f"/v1/articles/{quote('cms' + char + '42')}/lines", json={"line_no": 1, "text": "Hi."}, headers=headers
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "path.article_id" and f"U+{ord(char):04X}" in problem["message"]
    item = http.post(
        f"/v1/items?article_id={quote('cms' + char)}", json={"uri": "urn:x", "body_text": "Hi."}, headers=headers
    )
    assert item.status_code == 422 and item.json()["detail"][0]["field"] == "query.article_id"


class _Refusing:
    async def publish(self, lines: object) -> None:
        raise AssertionError("nothing refused is published")

    async def publish_item(self, item: object) -> None:
        raise AssertionError("nothing refused is published")


def test_the_schema_pattern_states_the_rule_for_every_assigned_character_of_the_basic_plane() -> None:
    pattern = re.compile(ARTICLE_ID_PATTERN)
    disagree = [
        f"U+{code:04X}"
        for code in range(0x10000)
        if unicodedata.category(chr(code)) not in ("Cn", "Cs")
        and bool(pattern.fullmatch(f"a{chr(code)}b")) != chr(code).isprintable()
    ]
    assert disagree == []
    assert pattern.fullmatch("a b") and not pattern.fullmatch(" ab") and not pattern.fullmatch("ab ")


@pytest.mark.parametrize("char", [c for c in UNPRINTABLE.values() if len(c) == 1 and ord(c) < 0x10000])
def test_the_published_schemas_refuse_what_the_models_refuse(char: str) -> None:
    schema = json.loads(rendered_schemas()["line.v1.schema.json"])
    event = json.loads(line("cms-42").model_dump_json())
    jsonschema.validate(event, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**event, "article_id": f"cms{char}42"}, schema)
    assert "printable" in schema["properties"]["article_id"]["description"]
