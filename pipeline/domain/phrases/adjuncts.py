"""What stands beside a subject without being it: a time ("on Monday"), an adverb ("later")."""

from __future__ import annotations

from pipeline.domain.lexicon import English
from pipeline.domain.phrases.tokens import Token


def without_trailing_time(english: English, words: list[Token]) -> list[Token]:
    """ "Minister X on Monday denied": a time phrase after the subject is not part of it."""
    end = len(words)
    while end and (words[end - 1].group().casefold() in english.time_words or words[end - 1].group().isdigit()):
        end -= 1
    if end == len(words):
        return words
    while end and words[end - 1].group().casefold() in english.time_leaders:
        end -= 1
    return words[:end]


def without_leading_time(english: English, words: list[Token]) -> list[Token]:
    """ "On Monday the UN said", "Earlier on Tuesday, the ministry said": the time opens the sentence."""
    start = 0
    while start < len(words) and words[start].group().casefold() in {"earlier", "later", "also"}:
        start += 1
    if start < len(words) - 1 and words[start].group().casefold() in english.time_leaders:
        end = start + 1
        while end < len(words) and (
            words[end].group().casefold() in english.time_words or words[end].group().isdigit()
        ):
            end += 1
        if end > start + 1:  # "On Monday"; a leader alone ("in the statement") is not a time
            start = end
    return words[start:] if start and start < len(words) else words


def only_adverbials(english: English, words: list[Token]) -> bool:
    """Whether a phrase is nothing but words that stand between a subject and its verb ("later",
    "last month", "on Friday")."""
    return bool(words) and not without_trailing_time(
        english, [t for t in words if t.group().casefold() not in english.subject_trailers]
    )


def only_adjuncts(english: English, words: list[Token]) -> bool:
    """Whether a phrase holds no subject, only what may follow one: "(ICC) in The Hague on Friday
    issued", "(RSF) have announced"."""
    rest = [t for t in words if t.group().casefold() not in english.subject_trailers]
    return not rest or only_adverbials(english, rest) or rest[0].group().casefold() in english.prepositions
