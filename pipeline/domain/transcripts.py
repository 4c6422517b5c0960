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

from pipeline.domain.names import Directory

_LABEL = re.compile(r"^\s*(?P<label>[A-Z][A-Z'.-]*(?:\s+[A-Z][A-Z'.-]*){0,9})\s*:(?=\s+\S)")
_HONORIFICS = frozenset(
    {
        "MR",
        "MR.",
        "MS",
        "MS.",
        "MRS",
        "MRS.",
        "DR",
        "DR.",
        "SECRETARY",
        "AMBASSADOR",
        "ADMINISTRATOR",
        "PRESIDENT",
        "GENERAL",
        "ADMIRAL",
        "SENATOR",
        "SPOKESPERSON",
        "MINISTER",
        "DIRECTOR",
        "COMMISSIONER",
        "COLONEL",
        "CAPTAIN",
        "DEPUTY",
        "UNDER",
        "ASSISTANT",
        "PRIME",
        "FOREIGN",
        "SPECIAL",
        "ENVOY",
        # Military ranks, written out or cut short: "MAJOR GENERAL", "MAJ. GEN.", "VICE ADMIRAL".
        "MAJOR",
        "MAJ.",
        "GEN.",
        "LIEUTENANT",
        "LT.",
        "COL.",
        "BRIGADIER",
        "ADM.",
        "VICE",
        "REAR",
        "COMMANDER",
        "SERGEANT",
    }
)
# Words of an office a title runs through before the name ("DEFENSE DEPARTMENT PRESS SECRETARY
# AIR FORCE MAJ. GEN. ..."): they make a label a person's only beside an honorific or a rank.
_OFFICE_WORDS = frozenset(
    {"PRESS", "DEFENSE", "DEFENCE", "DEPARTMENT", "AIR", "FORCE", "ARMY", "NAVY", "MARINE", "CORPS"}
)
# Labels for people the transcript does not name: they take the floor, and nobody is quoted.
_UNNAMED = frozenset({"QUESTION", "Q", "MODERATOR", "OPERATOR", "PARTICIPANT", "REPORTER", "AUDIENCE MEMBER"})


@dataclass(frozen=True)
class SpeakerLabel:
    name: str | None
    """who has the floor, written as a name; None for a questioner or a moderator"""
    end: int
    """where the label ends, colon included"""


def speaker_label(text: str, directory: Directory, in_transcript: bool) -> SpeakerLabel | None:
    match = _LABEL.match(text)
    if match is None:
        return None
    label = " ".join(match.group("label").split())
    if label in _UNNAMED:
        return SpeakerLabel(None, match.end())
    words = label.split()
    titles = 0
    while titles < len(words) - 1 and (words[titles] in _HONORIFICS or words[titles] in _OFFICE_WORDS):
        titles += 1
    name = " ".join(_as_name(word) for word in words[titles:])
    titled = any(word in _HONORIFICS for word in words[:titles])
    if titled or directory.lookup(name) is not None or in_transcript:
        return SpeakerLabel(name, match.end())
    return None


def _as_name(word: str) -> str:
    """ "THOMAS-GREENFIELD" as "Thomas-Greenfield", "O'BRIEN" as "O'Brien"."""
    return re.sub(r"[A-Za-z]+", lambda m: m.group().capitalize(), word)
