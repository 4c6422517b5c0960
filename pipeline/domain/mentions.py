"""Finding the people and organisations a line names.

Two sources: the configured names of the ``Directory``, and names nobody configured, read off the
text as runs of capitalised words with the titles in front of them split off ("Ukraine's deputy
prime minister Iryna Vereshchuk" names Iryna Vereshchuk and teaches that she is a deputy prime
minister: see ``learned_roles``)."""

from __future__ import annotations

import re
from functools import cache

from pipeline.domain.learned_roles import learned_roles
from pipeline.domain.lexicon import English
from pipeline.domain.matching import literal_alternation
from pipeline.domain.names import Directory, Entity, Mention, name_after_body
from pipeline.domain.text import last_span_before


@cache
def _name_run_pattern(english: English) -> re.Pattern[str]:
    """Two capitalised words at least, particles between them: a lone one is a name only as a subject
    (see speakers)."""
    return re.compile(
        r"[A-Z](?<![\w'].)[A-Za-z'.-]*"  # the check after the capital lets the engine skip to capitals
        rf"(?:\s+(?:(?:{literal_alternation(english.name_particles)})\s+)?(?:(?:al|el)-)?[A-Z][A-Za-z'.-]*)+"
    )


_SENTENCE_END = re.compile(r"[a-z]{2}\.$")


def _split_title(english: English, tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split "Russian Foreign Minister Sergei Lavrov" into title words and name words."""
    cut = 0
    for index, token in enumerate(tokens):
        lowered = token.casefold()
        if (
            lowered in english.role_words
            or lowered in english.qualifiers
            or lowered in english.not_names
            or lowered.endswith("'s")
        ):
            cut = index + 1
    return tokens[:cut], tokens[cut:]


def _is_organisation_name(english: English, tokens: list[str]) -> bool:
    return any(t.casefold() in english.organisation_heads for t in tokens)


def name_runs(english: English, text: str) -> list[re.Match[str]]:
    """The runs of capitalised words in ``text``, read once for the mentions and the bodies it names."""
    return list(_name_run_pattern(english).finditer(text))


def find_mentions(english: English, text: str, directory: Directory, runs: list[re.Match[str]]) -> list[Mention]:
    """Every person or organisation named in ``text`` (already ``plain``, its ``name_runs`` given), in order."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []  # in order, never overlapping: one pattern's matches
    for start, end, entity in directory.configured(text):
        found.append(Mention(start, end, entity, learned_roles(english, text, start, end)))
        taken.append((start, end))
    for match in runs:
        tokens = match.group().split()
        if _is_organisation_name(english, tokens):
            tokens = name_after_body(english, tokens) or []  # named bodies are resolved from the subject phrase itself
        title_tokens, name_tokens = _split_title(english, tokens)
        while name_tokens and name_tokens[-1].casefold() in english.not_names:
            name_tokens.pop()
        if not name_tokens:
            continue
        name_text = " ".join(name_tokens)
        start = match.start() + match.group().index(name_tokens[0])
        end = start + len(name_text)
        if _overlaps(taken, start, end):
            continue
        cleaned = name_text.removesuffix("'s").removesuffix("'")
        if _SENTENCE_END.search(cleaned):  # "... al-Sisi." ends the sentence; "J." is an initial
            cleaned = cleaned[:-1]
        titled = any(t.casefold() in english.role_words for t in title_tokens)
        if (len(name_tokens) < 2 and not titled) or cleaned.casefold() in english.qualifiers:
            # A lone capitalised word is a person only where it is a subject (see speakers), or
            # after a title ("Secretary Lind"), which is then how the article may go on to call them.
            continue
        if _next_word(text, match.end()) in english.place_nouns or name_tokens[-1].casefold() in english.place_nouns:
            continue  # "the Kerem Shalom crossing" and "Nasser Medical Complex" are places

        # "Saudi Arabia" is a state; "the militant group Islamic Jihad" is named after the body it is
        kind = "person"
        if cleaned.casefold() in english.capitals_and_states or _word_before(text, start) in english.organisation_heads:
            kind = "organisation"
        found.append(
            Mention(start, start + len(cleaned), Entity(cleaned, kind), learned_roles(english, text, start, end))
        )
    found.sort(key=lambda m: m.start)
    return found


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start``..``end`` overlaps one of ``spans`` (in order, never overlapping)."""
    span = last_span_before(spans, end)
    return span is not None and span[1] > start


def find_bodies(english: English, runs: list[re.Match[str]]) -> list[tuple[int, str]]:
    """Bodies named by capitalised words ending in what they are ("the Security Council", "the Tarvo
    Movement"), with where each starts, wherever the line names them: a later "the council" or "the
    movement" means the body the article named, though it was named in passing."""
    bodies = []
    for match in runs:
        words = match.group().split()
        if words[-1].casefold() not in english.organisation_heads or name_after_body(english, words) is not None:
            continue
        while words and (words[0].casefold() in english.not_names or words[0].casefold().endswith("'s")):
            words.pop(0)  # "The", "Korvia's"
        if len(words) >= 2:
            bodies.append((match.end() - len(" ".join(words)), " ".join(words)))
    return bodies


def _word_before(text: str, position: int) -> str:
    """The lower-case word just before ``position`` ("group" in "the militant group Islamic Jihad")."""
    # Only the last few words are searched (from the start of a long line, this was a search per name),
    # counted from the end of the spaces before the name, however many there are.
    end = position
    while end and text[end - 1].isspace():
        end -= 1
    before = _WORD_BEFORE.search(text, max(0, end - 120), position)
    return before.group(1) if before else ""


_WORD_BEFORE = re.compile(r"\b([a-z]+)\s+$")


def _next_word(text: str, position: int) -> str:
    following = _WORD_AFTER.match(text, position)
    return following.group(1).casefold() if following else ""


_WORD_AFTER = re.compile(r"\s+([A-Za-z]+)")
