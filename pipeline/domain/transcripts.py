"""Speaker labels in transcripts of briefings and press conferences.

Transcripts name whoever has the floor in capitals before a colon ("MR PRICE:",
"SECRETARY BLINKEN:", "QUESTION:"), and every paragraph after that is theirs
until the next label. A dateline looks the same ("GENEVA: The agency ..."), so a
label is taken as one only where it says it is a person: an honorific or office
before the name, a configured person's name, a questioner's or moderator's
label, or any capitalised label once the article has shown it is a transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.domain.lexicon import English
from pipeline.domain.names import Directory

_LABEL = re.compile(r"^\s*(?P<label>[A-Z][A-Z'.-]*(?:\s+[A-Z][A-Z'.-]*){0,9})\s*:(?=\s+\S)")


@dataclass(frozen=True)
class SpeakerLabel:
    name: str | None
    """who has the floor, written as a name; None for a questioner or a moderator"""
    end: int
    """where the label ends, colon included"""


def speaker_label(english: English, text: str, directory: Directory, in_transcript: bool) -> SpeakerLabel | None:
    match = _LABEL.match(text)
    if match is None:
        return None
    label = " ".join(match.group("label").split())
    if label in english.transcript_unnamed_labels:
        return SpeakerLabel(None, match.end())
    words = label.split()
    titles = 0
    while titles < len(words) - 1 and (
        words[titles] in english.transcript_honorifics or words[titles] in english.transcript_office_words
    ):
        titles += 1
    name = " ".join(_as_name(word) for word in words[titles:])
    titled = any(word in english.transcript_honorifics for word in words[:titles])
    if titled or directory.lookup(name) is not None or in_transcript:
        return SpeakerLabel(name, match.end())
    return None


def _as_name(word: str) -> str:
    """ "THOMAS-GREENFIELD" as "Thomas-Greenfield", "O'BRIEN" as "O'Brien"."""
    return re.sub(r"[A-Za-z]+", lambda m: m.group().capitalize(), word)
