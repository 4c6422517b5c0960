"""Finding the people and organisations a line names.

Two sources: the taxonomy's configured names (with their aliases and roles), and
names nobody configured, read off the text as runs of capitalised words with the
titles in front of them split off ("Ukraine's deputy prime minister Iryna
Vereshchuk" names Iryna Vereshchuk and teaches that she is a deputy prime minister).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.domain.lexicon import (
    CALENDAR_WORDS,
    CAPITALS_AND_STATES,
    ORGANISATION_HEADS,
    PLACE_NOUNS,
    QUALIFIERS,
    ROLE_WORDS,
)
from pipeline.domain.matching import word_start_alternation
from pipeline.domain.taxonomy import Taxonomy
from pipeline.domain.text import fold, last_span_before, plain

Descriptor = tuple[str | None, str]
"""(qualifier, core): "Russia's foreign minister" is ("russia", "foreign minister")."""

_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")
_NAME_RUN = re.compile(
    r"[A-Z](?<![\w'].)[A-Za-z'.-]*"  # the check after the capital lets the engine skip to capitals
    r"(?:\s+(?:(?:de|da|van|von|der|al|bin|ibn|abu|la|le|el|di|du)\s+)?(?:(?:al|el)-)?[A-Z][A-Za-z'.-]*)+"
)  # two capitalised words at least: a lone one is a name only as a subject (see speakers)
_NOT_NAMES = frozenset(
    {
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "but",
        "and",
        "as",
        "in",
        "on",
        "at",
        "asked",
        "speaking",
        "while",
        "after",
        "before",
        "this",
        "that",
        "these",
        "there",
        "his",
        "her",
        "mr",
        "mrs",
        "ms",
        "dr",
        "breaking",
        "update",
        "live",
        "read",
        "more",
        "watch",
        "also",
        "meanwhile",
        "however",
        "earlier",
        "later",
        "today",
        "yesterday",
        "our",
        "if",
        "when",
        "what",
        "why",
        "how",
        "who",
        "so",
        "then",
        "still",
        "here",
        "some",
        "many",
        "most",
        "all",
        "both",
        "one",
        "two",
        "three",
    }
    | CALENDAR_WORDS
)


def descriptor_key(words: list[str]) -> Descriptor | None:
    """Split a descriptor into its qualifier and its role core, or None if no role is left."""
    qualifier: str | None = None
    core: list[str] = []
    for raw in words:
        word = raw.casefold().replace("-", " ")
        if word in {"the", "a", "an", "of", "for", "'s"}:
            continue
        if word in QUALIFIERS:
            qualifier = qualifier or QUALIFIERS[word]
            continue
        core.extend(word.removesuffix("'s").split())
    if not core:
        return None
    return qualifier, " ".join(core)


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str  # "person" or "organisation"
    gender: str | None = None
    roles: tuple[Descriptor, ...] = ()


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: Entity
    learned_roles: tuple[Descriptor, ...] = field(default=())


def _bare(alias: str) -> str:
    """An alias as matched: plain, without a leading article ("the UN" is matched as "UN")."""
    return re.sub(r"^(?:the|The)\s+", "", plain(alias).strip())


@lru_cache(maxsize=8192)
def surname_key(name: str) -> str:
    """The last name, folded, without an Arabic article and with the common transliterations of
    its ending made one: "al-Sisi" and "Sisi", "Gaiday" and "Gaidai", "Zelenskiy" and "Zelensky"."""
    words = name.split()
    if not words:
        return ""
    last = _ARTICLE.sub("", fold(words[-1]))
    return _DOUBLED_I.sub("i", _Y_ENDING.sub("y", last).replace("y", "i"))


_Y_ENDING = re.compile(r"(?:iy|yy|yi)$")
_DOUBLED_I = re.compile(r"i{2,}")


_ARTICLE = re.compile(r"^(?:al|el)-")
_SENTENCE_END = re.compile(r"[a-z]{2}\.$")


class Directory:
    """The configured people and organisations, compiled for matching."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        by_alias: dict[str, Entity] = {}
        for person in taxonomy.people:
            roles = tuple(key for key in (descriptor_key(_WORD.findall(plain(r))) for r in person.roles) if key)
            entity = Entity(person.name, "person", person.gender, roles)
            for alias in (person.name, *person.aliases):
                by_alias[_bare(alias)] = entity
        for organisation in taxonomy.organisations:
            entity = Entity(organisation.name, "organisation")
            for alias in (organisation.name, *organisation.aliases):
                by_alias[_bare(alias)] = entity
        self._by_alias = by_alias
        self._by_folded = {fold(alias): entity for alias, entity in by_alias.items()}
        words: dict[str, set[str]] = {}
        for alias, entity in by_alias.items():
            words.setdefault(fold(entity.name), set()).update(fold(alias).split())
        self._alias_words = {name: frozenset(found) for name, found in words.items()}
        self._alias_re = re.compile(word_start_alternation(list(by_alias)) + r"(?![\w])")

    def configured(self, text: str) -> list[tuple[int, int, Entity]]:
        return [(m.start(), m.end(), self._by_alias[m.group()]) for m in self._alias_re.finditer(text)]

    def lookup(self, name: str) -> Entity | None:
        return self._by_folded.get(fold(name))

    def alias_words(self, name: str) -> frozenset[str]:
        """Every word the configured entity ``name`` is known by: "military" for the IDF."""
        return self._alias_words.get(fold(name), frozenset())


def _split_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split "Russian Foreign Minister Sergei Lavrov" into title words and name words."""
    cut = 0
    for index, token in enumerate(tokens):
        lowered = token.casefold()
        if lowered in ROLE_WORDS or lowered in QUALIFIERS or lowered in _NOT_NAMES or lowered.endswith("'s"):
            cut = index + 1
    return tokens[:cut], tokens[cut:]


def _role_before(text: str, start: int) -> Descriptor | None:
    """The title written just before a name: "deputy prime minister" in "... deputy prime minister X"."""
    last = text[max(0, start - 40) : start].rsplit(None, 1)[-1:]
    if not last or not _may_be_title(last[0]):
        return None
    words: list[str] = _WORD.findall(text[max(0, start - 80) : start])
    role: list[str] = []
    for word in reversed(words):
        if not _may_be_title(word):
            break
        role.insert(0, word)
    while role and role[0].casefold() == "of":
        role.pop(0)
    if not any(w.casefold() in ROLE_WORDS for w in role):
        return None
    return descriptor_key(role)


def _may_be_title(word: str) -> bool:
    lowered = word.casefold()
    return lowered in ROLE_WORDS or lowered in QUALIFIERS or lowered.endswith("'s") or lowered == "of"


def _role_after(text: str, end: int) -> Descriptor | None:
    """An appositive after a name: "Dmitry Peskov, the Kremlin spokesman, said"."""
    if not text.startswith(",", end):
        return None
    match = re.match(r",\s+(?:the\s+|a\s+)?((?:[A-Za-z.'-]+\s+){0,8}?[A-Za-z.'-]+),", text[end : end + 100])
    if not match:
        return None
    words: list[str] = _WORD.findall(match.group(1))
    # "Anna Lind, the UN envoy for Korvia, said": the title is what comes before what it is for.
    words = _without_complement(words)
    if not words or words[-1].casefold() not in ROLE_WORDS:
        return None
    if any(
        w.casefold() not in ROLE_WORDS
        and w.casefold() not in QUALIFIERS
        and w.casefold() != "of"
        and not w[:1].isupper()
        for w in words
    ):
        return None
    return descriptor_key(words)


def _without_complement(words: list[str]) -> list[str]:
    """A title without the place or body it is for: "UN envoy" of "UN envoy for the Korvia Talks"."""
    for index, word in enumerate(words[1:], 1):
        if word.casefold() in _COMPLEMENT_PREPOSITIONS and words[index - 1].casefold() in ROLE_WORDS:
            return words[:index] if _names_what_it_is_for(words[index + 1 :]) else []
    return words


def _names_what_it_is_for(complement: list[str]) -> bool:
    """Whether the words after a title's preposition name a place or body: "the Korvia Talks", not
    "the region"."""
    return bool(complement) and all(w[:1].isupper() or w.casefold() in {"the", "of", "and"} for w in complement)


_COMPLEMENT_PREPOSITIONS = frozenset({"for", "to", "in", "at"})


def _is_organisation_name(tokens: list[str]) -> bool:
    return any(t.casefold() in ORGANISATION_HEADS for t in tokens)


# Small words that stand inside a name ("Institute for the Study of War").
NAME_FUNCTION_WORDS = frozenset({"of", "for", "the", "and", "on"})


def name_after_body(words: list[str]) -> list[str] | None:
    """The person named right after the body they serve: "Ambassador to the United Nations Samantha
    Power" ends in Samantha Power, while "Observatory for Human Rights" is one body's name."""
    heads = [i for i, w in enumerate(words) if w.casefold() in ORGANISATION_HEADS]
    if not heads:
        return None
    after = words[heads[-1] + 1 :]
    if len(after) < 2 or any(w.casefold() in NAME_FUNCTION_WORDS for w in after):
        return None
    return after


def name_runs(text: str) -> list[re.Match[str]]:
    """The runs of capitalised words in ``text``, read once for the mentions and the bodies it names."""
    return list(_NAME_RUN.finditer(text))


def find_mentions(text: str, directory: Directory, runs: list[re.Match[str]]) -> list[Mention]:
    """Every person or organisation named in ``text`` (already ``plain``, its ``name_runs`` given), in order."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []  # in order, never overlapping: one pattern's matches
    for start, end, entity in directory.configured(text):
        found.append(Mention(start, end, entity, _learned(text, start, end)))
        taken.append((start, end))
    for match in runs:
        tokens = match.group().split()
        if _is_organisation_name(tokens):
            tokens = name_after_body(tokens) or []  # named bodies are resolved from the subject phrase itself
        title_tokens, name_tokens = _split_title(tokens)
        while name_tokens and name_tokens[-1].casefold() in _NOT_NAMES:
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
        titled = any(t.casefold() in ROLE_WORDS for t in title_tokens)
        if (len(name_tokens) < 2 and not titled) or cleaned.casefold() in QUALIFIERS:
            # A lone capitalised word is a person only where it is a subject (see speakers), or
            # after a title ("Secretary Lind"), which is then how the article may go on to call them.
            continue
        if _next_word(text, match.end()) in PLACE_NOUNS or name_tokens[-1].casefold() in PLACE_NOUNS:
            continue  # "the Kerem Shalom crossing" and "Nasser Medical Complex" are places

        # "Saudi Arabia" is a state; "the militant group Islamic Jihad" is named after the body it is
        kind = "person"
        if cleaned.casefold() in CAPITALS_AND_STATES or _word_before(text, start) in ORGANISATION_HEADS:
            kind = "organisation"
        found.append(Mention(start, start + len(cleaned), Entity(cleaned, kind), _learned(text, start, end)))
    found.sort(key=lambda m: m.start)
    return found


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start``..``end`` overlaps one of ``spans`` (in order, never overlapping)."""
    span = last_span_before(spans, end)
    return span is not None and span[1] > start


def find_bodies(runs: list[re.Match[str]]) -> list[tuple[int, str]]:
    """Bodies named by capitalised words ending in what they are ("the Security Council", "the Tarvo
    Movement"), with where each starts, wherever the line names them: a later "the council" or "the
    movement" means the body the article named, though it was named in passing."""
    bodies = []
    for match in runs:
        words = match.group().split()
        if words[-1].casefold() not in ORGANISATION_HEADS or name_after_body(words) is not None:
            continue
        while words and (words[0].casefold() in _NOT_NAMES or words[0].casefold().endswith("'s")):
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


def _learned(text: str, start: int, end: int) -> tuple[Descriptor, ...]:
    roles = (_role_before(text, start), _title_set_off_before(text, start, end), _role_after(text, end))
    return tuple(role for role in roles if role)


def _title_set_off_before(text: str, start: int, end: int) -> Descriptor | None:
    """A title set off by commas before the name, with what it is for: "The UN envoy for Korvia, Anna
    Lind, arrived" teaches that Anna Lind is the UN envoy, so "the envoy" is her later on."""
    if not text.startswith(",", end) and text[end:].strip(" .") != "":
        return None
    before = text[max(0, start - 80) : start]
    if not before.endswith(", "):
        return None
    title = re.split(r'[,;:."()]', before[:-2])[-1]
    words: list[str] = _WORD.findall(title)
    role = next((i for i in range(len(words) - 1, -1, -1) if words[i].casefold() in ROLE_WORDS), None)
    if role is None:
        return None
    complement = words[role + 1 :]
    if complement and (
        complement[0].casefold() not in {*_COMPLEMENT_PREPOSITIONS, "of"}
        or (len(complement) > 1 and not _names_what_it_is_for(complement[1:]))
    ):
        return None
    if not all(_may_be_title(w) or w[:1].isupper() or w.casefold() in {"the", "a", "an"} for w in words[:role]):
        return None
    return descriptor_key(words[: role + 1])
