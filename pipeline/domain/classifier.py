"""One line in, its speaker and topics out; the article's memory carried along."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.domain.alerts import AlertRules
from pipeline.domain.lexicon import English
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.names import Directory
from pipeline.domain.speakers import Attribution, Speaker, SpeakerAttributor
from pipeline.domain.taxonomy import Taxonomy
from pipeline.domain.text import plain
from pipeline.domain.topics import TopicClassifier, TopicScore

__all__ = ["LineClassifier"]


@dataclass(frozen=True)
class LineVerdict:
    speaker: Speaker | None
    topics: tuple[TopicScore, ...]
    speaker_failure: Exception | None = None
    """a bug met while finding the speaker: the line has its topics and no speaker, and the
    runner reports it (the domain logs nothing)"""

    @property
    def topic_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.topics)


class LineClassifier:
    """Speaker attribution and topic classification over one article's lines, in order."""

    def __init__(self, taxonomy: Taxonomy, english: English) -> None:
        self.taxonomy = taxonomy
        self.english = english
        self._speakers = SpeakerAttributor(Directory(taxonomy, english))
        self._topics = TopicClassifier(taxonomy.topics, taxonomy.topic_threshold)
        self.alert_rules = AlertRules(taxonomy.alerts)

    def classify(self, text: str, line_no: int, memory: ArticleMemory) -> tuple[LineVerdict, ArticleMemory]:
        normalised = plain(text)
        failure: Exception | None = None
        try:
            attribution = self._speakers.attribute(normalised, memory)
        except Exception as error:  # a speaker rule's bug must not cost the line its topics and alerts
            attribution = Attribution(None, memory.entities, memory.transcript, memory.turn_speaker)
            failure = error
        speaker = attribution.speaker
        topics = self._topics.classify(normalised, frozenset((*memory.previous_topics, *memory.earlier_topics)))
        previous_topics, earlier_topics = _subject_after(tuple(t.id for t in topics), normalised, memory)
        memory = ArticleMemory(
            last_line_no=line_no,
            entities=attribution.entities,
            last_speaker=speaker.name if speaker else memory.last_speaker,
            previous_line_speaker=speaker.name if speaker else None,
            previous_topics=previous_topics,
            earlier_topics=earlier_topics,
            transcript=attribution.transcript,
            turn_speaker=attribution.turn_speaker,
            skipped=memory.after_line(line_no),
        )
        return LineVerdict(speaker, topics, failure), memory


def _subject_after(own: tuple[str, ...], text: str, memory: ArticleMemory) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The topics a context cue is read with after this line: the previous line's and the one's before.
    "She said 410 bodies had been recovered." between an account of killings and "the killings must be
    investigated" does not end the account; a short line with no topic ("Can I just pursue that?")
    leaves both as they were; a long line about nothing in it ends the subject."""
    if own:
        return own, memory.previous_topics
    if len(text.split()) >= 12:
        return (), ()
    return memory.previous_topics, memory.earlier_topics
