"""Who has the floor, line after line: a transcript's speaker label, a statement's heading, a byline
over remarks; and otherwise the line's own speaker, found by the strategies."""

from __future__ import annotations

from pipeline.domain import phrases
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.names import Directory, Entity
from pipeline.domain.speakers.context import LineContext
from pipeline.domain.speakers.headings import byline, is_heading, statement_by, without_dateline
from pipeline.domain.speakers.resolution import resolve_phrase
from pipeline.domain.speakers.speaker import Attribution, Speaker
from pipeline.domain.speakers.strategies import find_speaker
from pipeline.domain.transcripts import SpeakerLabel, speaker_label

MAX_REMEMBERED = 40


class SpeakerAttributor:
    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def attribute(self, text: str, memory: ArticleMemory) -> Attribution:
        """The speaker of ``text`` (already ``plain``) and the people and bodies known after it."""
        label = speaker_label(self._directory.english, text, self._directory, memory.transcript)
        # A speaker label is read, not searched for names; a dateline is no one's.
        read = " " * label.end + text[label.end :] if label is not None else without_dateline(text, self._directory)
        context = LineContext.read(read, memory, self._directory)
        speaker, turn = _speaker_and_floor(context, label)
        if speaker is not None and speaker.method not in {"continuation", "turn"}:
            context.remember(Entity(speaker.name, speaker.kind))
        transcript = memory.transcript or label is not None
        return Attribution(speaker, context.known.latest(MAX_REMEMBERED), transcript, turn)


def _speaker_and_floor(context: LineContext, label: SpeakerLabel | None) -> tuple[Speaker | None, str | None]:
    """The line's speaker, and who holds the floor after it."""
    english = context.english
    memory = context.memory
    author = statement_by(context.english).match(context.text) if label is None else None
    if label is not None:
        speaker = _labelled(context, label.name)
        return speaker, speaker.name if speaker else None
    if author is not None:
        # "The following statement by the Secretary-General was issued today:": its author holds
        # the floor for the first-person lines after it, as a transcript's speaker does.
        who = phrases.strip_subject(english, phrases.tokens_in(english, context.text, author.span("who")))
        speaker = resolve_phrase(context, who, author.start("who"), "statement by") if who else None
        return speaker, speaker.name if speaker else memory.turn_speaker
    if (signed := None if memory.transcript else byline(context)) is not None:
        # "Ambassador Richard Mills" over remarks: the speech that follows is his, line after line.
        return None, context.remember(signed).name
    if memory.turn_speaker is not None and not memory.transcript:
        # Remarks under a byline, or a statement under its heading: each line of the speech is its
        # speaker's, whatever it reports others saying; the headings around it (a title, a place, a
        # date) are no one's.
        turn = memory.turn_speaker
        speaker = (
            None
            if is_heading(english, context.text)
            else Speaker(turn, "person", "turn", "the speech since its byline")
        )
        return speaker, turn
    found = find_speaker(context)
    if found is not None:
        return found[1], memory.turn_speaker
    if memory.turn_speaker is not None:
        return Speaker(
            memory.turn_speaker, "person", "turn", "the floor since the last speaker label"
        ), memory.turn_speaker
    return None, memory.turn_speaker


def _labelled(context: LineContext, name: str | None) -> Speaker | None:
    """ "MR PRICE:" is Price, or whoever the article named in full with that surname."""
    if name is None:
        return None
    configured = context.directory.lookup(name)
    known = context.remember(configured) if configured else context.find_by_surname(name)
    if known is not None:
        return Speaker(known.name, known.kind, "label", f"{name}:")
    return Speaker(name, "person", "label", f"{name}:")
