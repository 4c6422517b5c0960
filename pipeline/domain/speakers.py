"""Who is speaking in a line: the subject of its main reporting verb, resolved.

The attributor looks for a reporting verb ("said", "called for", "according to",
a quotation closed by "the UN chief says", a "Name:" prefix), reads the subject
phrase in front of it (or after it, for "..., said Zelenskyy"), and resolves that
phrase against the article's memory: a name, a pronoun, a descriptor such as
"Russia's foreign minister", or an organisation. A line with no reporting verb
can still continue the previous speaker's account ("This would involve ...").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from pipeline.domain.lexicon import (
    CAPITALS_AND_STATES,
    CLAUSE_OPENERS,
    CONTINUATION_MODALS,
    CONTINUATION_OPENERS,
    CONTINUATION_SUBJECTS,
    DETERMINERS,
    GROUP_PRONOUNS,
    INDEFINITE_PRONOUNS,
    ORGANISATION_HEADS,
    PASSIVE_AUXILIARIES,
    PERSONAL_PRONOUNS,
    PREPOSITIONS,
    QUALIFIERS,
    QUANTIFIERS,
    RELATIVE_PRONOUNS,
    REPORTING_VERBS,
    ROLE_WORDS,
    SUBJECT_LEADERS,
    SUBJECT_TRAILERS,
    TIME_LEADERS,
    TIME_WORDS,
)
from pipeline.domain.matching import word_start_alternation
from pipeline.domain.memory import ArticleMemory, RememberedEntity
from pipeline.domain.names import (
    Descriptor,
    Directory,
    Entity,
    Mention,
    descriptor_key,
    find_mentions,
    name_after_body,
    surname_key,
)
from pipeline.domain.text import fold
from pipeline.domain.transcripts import speaker_label

MAX_REMEMBERED = 40

# Frames that name the source after them: "according to X", "the below is attributable to X:".
_SOURCE_FRAMES = ("according to", "According to", "attributable to", "stated by", "As stated by")
_FOLDED_SOURCE_FRAMES = frozenset(frame.casefold() for frame in _SOURCE_FRAMES)
# Case-sensitive on purpose: "States" in "United States" is not a verb.
_VERB_RE = re.compile(
    word_start_alternation([*REPORTING_VERBS, *_SOURCE_FRAMES], r"\w'-")
    + r"(?![\w-])"
    # "was quoted by the state news agency as saying": the carrier of the quote is not its speaker.
    + r"|w(?<![\w'-].)(?:as|ere) quoted by [^.;:\"]{1,80}? as saying\b"
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{2,40})(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?(?:\s*\([^)]{1,40}\))?\s*(?P<mark>-+|:)\s"
)
_TOKEN_RE = re.compile(
    r"(?:[A-Z]\.){2,}(?:-[A-Za-z]+)*"  # "U.N.", "U.N.-backed"
    r"|(?:Lt|Col|Gen|Maj|Sgt|Capt|Cmdr|Adm|Brig|Dr|Mr|Mrs|Ms|Prof|Sen|Rep|Gov)\.(?=\s)"  # titles cut short
    r"|[A-Za-z](?:[A-Za-z'-]|\.(?=[A-Za-z]))*|[,;:\"()]|-(?=\s)|\S"
)
_CLAUSE_WORDS = frozenset({"that", "where", "which", "because", "whereas", "when", "if", "whether", "although"})
_COLON_PREFIX = re.compile(r"^\s*([A-Z][^:\"]{1,60}?):\s+\S")
_NAME_PARTICLE = re.compile(r"^(?:al|el|bin|ibn|abu|de|da|van|von|der|di|du|la|le)(?:-[A-Z][\w'-]*)?$")
_IRREGULAR_PAST = frozenset({"told", "said", "spoke", "wrote", "asked", "described", "accused", "urged", "offered"})


@dataclass(frozen=True)
class Speaker:
    name: str
    kind: str  # "person" or "organisation"
    method: str  # how it was found: named, pronoun, descriptor, organisation, continuation
    evidence: str


@dataclass(frozen=True)
class Attribution:
    speaker: Speaker | None
    entities: tuple[RememberedEntity, ...]
    """everyone named so far in the article, least recently mentioned first"""
    transcript: bool = False
    turn_speaker: str | None = None


_Token = re.Match[str]  # a token is its match: text, start and end without building anything


def _prefix(text: str, length: int) -> str:
    """``text`` cut after ``length`` characters, at the next space so no word is split."""
    if length >= len(text):
        return text
    space = text.find(" ", length)
    return text if space < 0 else text[:space]


def _tokens(text: str) -> list[_Token]:
    return list(_TOKEN_RE.finditer(text))


def _descriptor_matches(phrase: Descriptor, role: Descriptor) -> bool:
    (q1, c1), (q2, c2) = phrase, role
    # "the spokesman" for a "Kremlin spokesman", "the Secretary" for a "secretary of state"
    if c1 != c2 and not c2.endswith(" " + c1) and c2.split()[0] != c1:
        return False
    return q1 is None or q2 is None or q1 == q2


class _LineContext:
    """Everything known while attributing one line."""

    def __init__(self, text: str, mentions: list[Mention], memory: ArticleMemory, directory: Directory) -> None:
        self.text = text
        self.mentions = mentions
        self.memory = memory
        self.directory = directory
        self.entities: list[RememberedEntity] = list(memory.entities)
        for mention in mentions:
            self.remember(mention.entity, mention.learned_roles)

    @cached_property
    def quotations(self) -> tuple[tuple[int, int], ...]:
        return _quotations(self.text) if '"' in self.text else ()

    def remember(self, entity: Entity, roles: tuple[Descriptor, ...] = ()) -> RememberedEntity:
        existing = self.find_by_name(entity.name)
        if existing is None:
            existing = self.find_by_surname(entity.name) if entity.kind == "person" else None
        merged_roles = tuple(dict.fromkeys((*(existing.roles if existing else ()), *entity.roles, *roles)))
        name = existing.name if existing and len(existing.name) >= len(entity.name) else entity.name
        gender = entity.gender or (existing.gender if existing else None)
        unchanged = existing is not None and (existing.name, existing.kind, existing.gender, existing.roles) == (
            name,
            entity.kind,
            gender,
            merged_roles,
        )
        updated = (
            existing
            if unchanged and existing is not None
            # Validated construction is cheaper than pydantic's model_construct, which runs in Python.
            else RememberedEntity(name=name, kind=entity.kind, gender=gender, roles=merged_roles)
        )
        if existing is not None:
            self.entities = [e for e in self.entities if e is not existing]
        self.entities.append(updated)
        return updated

    def find_by_name(self, name: str) -> RememberedEntity | None:
        folded = fold(name)
        for entity in reversed(self.entities):
            if fold(entity.name) == folded:
                return entity
        return None

    def find_by_surname(self, name: str) -> RememberedEntity | None:
        key = surname_key(name)
        for entity in reversed(self.entities):
            if entity.kind == "person" and surname_key(entity.name) == key:
                return entity
        # Where the given name is the name in use (Ethiopian, Burmese, many Arabic names):
        # "Getachew said" after "Getachew Reda said".
        if len(name.split()) == 1:
            holders = {
                e.name: e
                for e in self.entities
                if e.kind == "person" and len(e.name.split()) > 1 and key in map(fold, e.name.split())
            }
            if len(holders) == 1:
                return next(iter(holders.values()))
        return None


class SpeakerAttributor:
    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def attribute(self, text: str, memory: ArticleMemory) -> Attribution:
        """The speaker of ``text`` (already ``plain``) and the people and bodies known after it."""
        label = speaker_label(text, self._directory, memory.transcript)
        if label is not None:
            normalised = " " * label.end + text[label.end :]  # the label is read, not searched for names
        else:
            normalised = _without_dateline(text, self._directory)
        context = _LineContext(normalised, find_mentions(normalised, self._directory), memory, self._directory)
        if label is not None:
            speaker = self._labelled(context, label.name)
            turn = speaker.name if speaker else None
        else:
            speaker = self._find(context)
            turn = memory.turn_speaker
            if speaker is None and turn is not None:
                speaker = Speaker(turn, "person", "turn", "the floor since the last speaker label")
        if speaker is not None and speaker.method not in {"continuation", "turn"}:
            context.remember(Entity(speaker.name, speaker.kind))
        transcript = memory.transcript or label is not None
        return Attribution(speaker, tuple(context.entities[-MAX_REMEMBERED:]), transcript, turn)

    def _labelled(self, context: _LineContext, name: str | None) -> Speaker | None:
        """ "MR PRICE:" is Price, or whoever the article named in full with that surname."""
        if name is None:
            return None
        configured = context.directory.lookup(name)
        known = context.remember(configured) if configured else context.find_by_surname(name)
        if known is not None:
            return Speaker(known.name, known.kind, "label", f"{name}:")
        return Speaker(name, "person", "label", f"{name}:")

    def _find(self, context: _LineContext) -> Speaker | None:
        text = context.text
        colon = _COLON_PREFIX.match(text)
        if colon and len(colon.group(1).split()) <= 6:
            found = self._resolve_phrase(context, _tokens(colon.group(1)), 0, "colon")
            if found is not None:
                return found
        quoted_as = _QUOTED_AS.search(text)
        if quoted_as is not None:
            # "the agency quoted the defence ministry as saying": the one quoted speaks, not the carrier.
            quoted = _strip_subject(_tokens_in(text, quoted_as.span(1)))
            found = self._resolve_phrase(context, quoted, 0, "quoted") if quoted else None
            if found is not None:
                return found
        closing = _closing_verb(context)
        if closing is not None and _VERB_RE.search(text, 0, closing.start()):
            final = self._final_attribution(context, closing)
            if final is not None:
                return final
        for verb in _VERB_RE.finditer(text):
            if context.quotations and _inside(context.quotations, verb.start()):
                continue  # "what the UN called ..." inside a quotation is not who says it
            # Only the words up to a little past the verb are ever read.
            found = self._attribute_verb(context, _tokens(_prefix(text, verb.end() + 60)), verb)
            if found is not None:
                return found
        return self._continuation(context, _tokens(_prefix(text, 80)))

    def _final_attribution(self, context: _LineContext, verb: re.Match[str]) -> Speaker | None:
        """ "Lisk turned down the offer, Deputy Prime Minister X said.": an attribution closing the line
        after a comma names who said all of it, whatever verbs the reported clause has."""
        tokens = list(_TOKEN_RE.finditer(context.text, max(0, verb.start() - 200), verb.end()))
        before = _phrase_before(tokens, verb.start())
        if before is None or before[1] != "," or not before[0]:
            return None
        subject = _strip_subject(before[0])
        return self._resolve_phrase(context, subject, verb.start(), verb.group()) if subject else None

    def _attribute_verb(self, context: _LineContext, tokens: list[_Token], verb: re.Match[str]) -> Speaker | None:
        if verb.group().casefold() in _FOLDED_SOURCE_FRAMES:
            after = _phrase_after(tokens, verb.end())
            if after and any(t.group().casefold() in ROLE_WORDS for t in after):
                after = _name_beside(tokens, after[-1]) or after  # "according to the mayor, Ivan Sorok"
            return self._resolve_phrase(context, after, verb.start(), "according to") if after else None
        before = _phrase_before(tokens, verb.start())
        if before == ([], ")"):
            # "The UN humanitarian office (OCHA) said": the subject stands before the brackets.
            opening = _opening_bracket(tokens, verb.start())
            before = _phrase_before(tokens, opening) if opening is not None else before
        if before is None:
            return None
        phrase, boundary = before
        if phrase and _is_passive(phrase, verb.group()):
            # '"...," I was told by one resident': after a quotation the agent speaks it; otherwise a
            # passive narrates ("X was told by officials that ...").
            quoted = _quote_closes_before(tokens, phrase[0].start())
            agent = _phrase_after(tokens, verb.end() + 3) if quoted and _text_at(tokens, verb.end()) == "by" else []
            return self._resolve_phrase(context, agent, verb.start(), verb.group()) if agent else None
        if verb.group() in _AFTER_QUOTATION_ONLY and not (phrase and _quote_closes_before(tokens, phrase[0].start())):
            return None  # "Fighting continued" narrates; '"...," Kalnin continued' attributes
        subject = _strip_subject(phrase)
        if subject:
            return self._resolve_phrase(context, subject, verb.start(), verb.group())
        if boundary == '"' or (boundary == "," and _quote_closes_before(tokens, verb.start())):
            after = _phrase_after(tokens, verb.end())
            if after and any(t.group().casefold() in ROLE_WORDS for t in after):
                # '"...," said the UN rights chief, Anna Lind, in a statement': the name beside the title.
                after = _name_beside(tokens, after[-1]) or after
            if after:
                return self._resolve_phrase(context, after, verb.start(), verb.group())
            return None
        if boundary == "," and not phrase:
            inserted = _phrase_after(tokens, verb.end())
            if inserted and _followed_by_comma(tokens, inserted[-1]):
                # "The United States, said Ambassador Power, joins ...": the attribution is set into the sentence.
                return self._resolve_phrase(context, inserted, verb.start(), verb.group())
            return self._appositive_subject(context, tokens, verb.start(), verb)
        if phrase and phrase[-1].group().casefold() == "and":
            return self._line_subject(context, tokens, verb.group())
        return None

    def _appositive_subject(
        self, context: _LineContext, tokens: list[_Token], position: int, verb: re.Match[str]
    ) -> Speaker | None:
        """ "Name, the ROLE, said" and "the ROLE, Name, said": the subject stands between or before commas."""
        commas = [t.start() for t in tokens if t.end() <= position and t.group() == ","]
        if not commas:
            return None
        inner = _phrase_before(tokens, commas[-1])
        if inner is None or not inner[0]:
            return None
        segment, boundary = inner
        opener = segment[0].group()
        interjected = opener[:1].islower() and not _is_title_word(opener)
        if boundary in _CLAUSE_WORDS:
            # "X, which did not attend, said": the clause starts at its clause word.
            clause_word = max(
                t.start() for t in tokens if t.end() <= segment[0].start() and t.group().casefold() == boundary
            )
            return self._appositive_subject(context, tokens, clause_word, verb)
        if boundary == "," and (interjected or opener.casefold() in CLAUSE_OPENERS):
            # "X, who heads UNRWA, said" / "X, in his nightly address, said": the subject is before the clause.
            return self._appositive_subject(context, tokens, segment[0].start(), verb)
        subject = _strip_subject(segment)
        if subject and _is_name_word(subject[-1].group()) and not _role_governs(segment):
            return self._resolve_phrase(context, subject, verb.start(), verb.group())
        head = segment[-1].group().casefold()
        if boundary != "," or not (head in ROLE_WORDS or head in ORGANISATION_HEADS or _mentions_role(segment)):
            return None
        comma_before = max(t.start() for t in tokens if t.end() <= segment[0].start() and t.group() == ",")
        outer = _phrase_before(tokens, comma_before)
        if outer is None or not outer[0]:
            return None
        named = _strip_subject(outer[0])
        if not named:
            return None
        found = self._resolve_phrase(context, named, verb.start(), verb.group())
        if found is not None and found.method == "named" and head in ORGANISATION_HEADS and len(named) == 1:
            return Speaker(found.name, "organisation", "organisation", found.evidence)
        return found

    def _line_subject(self, context: _LineContext, tokens: list[_Token], cue: str) -> Speaker | None:
        """ "X visited the border and called for ...": the verb shares the sentence's subject."""
        opener = next((t for t in tokens if t.group()[:1].isalpha()), None)
        if opener is None or opener.group().casefold() in CLAUSE_OPENERS:
            return None
        first = context.mentions[0] if context.mentions else None
        if first is None:
            return None
        titles = [t.group() for t in tokens if t.end() <= first.start and t.group()[:1].isalpha()]
        if all(w[:1].isupper() or _is_title_word(w) or w.endswith("'s") for w in titles):
            entity = context.remember(first.entity)
            method = "named" if entity.kind == "person" else "organisation"
            return Speaker(entity.name, entity.kind, method, f"{first.entity.name} ... {cue}")
        return None

    def _resolve_phrase(self, context: _LineContext, phrase: list[_Token], at: int, cue: str) -> Speaker | None:
        phrase = _first_conjunct(phrase)
        words = [t.group() for t in phrase]
        lowered = [w.casefold() for w in words]
        evidence = f"{' '.join(words)} {cue}".strip()
        if len(words) == 1 and lowered[0] in INDEFINITE_PRONOUNS:
            return None
        if len(words) == 1 or (len(words) == 2 and lowered[1] in {"'s", "'d", "'ll"}):
            pronoun = lowered[0].removesuffix("'s")
            acronym = words[0].isupper() and len(words[0]) > 1  # "WHO said" is the World Health Organization
            if not acronym and (
                pronoun in PERSONAL_PRONOUNS or pronoun in GROUP_PRONOUNS or pronoun in RELATIVE_PRONOUNS
            ):
                return self._resolve_pronoun(context, pronoun, phrase[0].start(), evidence)
        if (
            lowered[-1] in ORGANISATION_HEADS
            and all(w.islower() and not w.endswith("'s") for w in words)
            and _definite_before(context.text, phrase[0].start())
        ):
            return self._resolve_body_reference(context, words, evidence)
        if lowered[0] in _POSSESSIVE_PRONOUNS and len(words) > 1 and lowered[-1] in ORGANISATION_HEADS:
            owner = self._resolve_pronoun(context, _POSSESSIVE_PRONOUNS[lowered[0]], phrase[0].start(), evidence)
            body = " ".join(words[1:])
            return Speaker(f"{owner.name}'s {body}" if owner else body, "organisation", "organisation", evidence)
        for index, word in enumerate(lowered[:-1]):
            if lowered[index + 1] in {"for", "of"} and word in _SPOKESPEOPLE and index + 2 < len(words):
                behalf = self._resolve_phrase(context, _strip_subject(phrase[index + 2 :]), at, cue)
                if behalf is not None:
                    return Speaker(behalf.name, behalf.kind, behalf.method, evidence)
            if lowered[index + 1] in _ATTACHING_PREPOSITIONS and word in ORGANISATION_HEADS:
                return Speaker(_as_written(words), "organisation", "organisation", evidence)
        role = _complement_head(lowered)
        if role is not None and lowered[role] in ROLE_WORDS and not any(_is_name_word(w) for w in words[role + 1 :]):
            # "the minister of state for social welfare": a title with a complement that names nobody.
            return self._resolve_descriptor(context, words[: role + 1], evidence)
        start, end = phrase[0].start(), phrase[-1].end()
        inside = [m for m in context.mentions if start <= m.start and m.end <= end + 2]
        if inside:
            last = inside[-1]
            governed = last.start > start and _preposition_before(context.text, last.start)
            if _only_trailers_between(context.text, last.end, end) and not governed:
                entity = context.remember(last.entity)
                method = "named" if entity.kind == "person" else "organisation"
                return Speaker(entity.name, entity.kind, method, evidence)
        name_words = _trailing_name(words)
        if name_words:
            return self._resolve_name(context, name_words, words, evidence)
        if lowered[-1] in ROLE_WORDS:
            found = self._resolve_descriptor(context, words, evidence)
            bodies = [m for m in inside if m.entity.kind == "organisation"]
            if found is not None and found.method == "descriptor" and found.kind == "organisation" and bodies:
                entity = context.remember(bodies[-1].entity)
                return Speaker(entity.name, entity.kind, "organisation", evidence)
            return found
        if lowered[-1] in ORGANISATION_HEADS:
            return Speaker(_as_written(words), "organisation", "organisation", evidence)
        return None

    def _resolve_body_reference(self, context: _LineContext, words: list[str], evidence: str) -> Speaker | None:
        """ "The group said", "the aid agency said": the body the article named before, by its head
        noun where one fits, else, for a plain "the group" or "the aid agency", the last body named.
        A statement or report speaks for whoever issued it."""
        head, written = words[-1], _as_written(words)
        bodies = [e for e in reversed(context.entities) if e.kind == "organisation" and _is_body_name(e.name)]
        fitting = next((e for e in bodies if head in fold(e.name).split()), None)
        if fitting is None and head in _GENERIC_BODY_HEADS and len(words) <= 2 and bodies:
            fitting = bodies[0]
        if fitting is not None:
            return Speaker(fitting.name, fitting.kind, "descriptor", evidence)
        if head in _DOCUMENTS:
            return None
        return Speaker(written, "organisation", "descriptor", evidence)

    def _resolve_name(self, context: _LineContext, name_words: list[str], words: list[str], evidence: str) -> Speaker:
        name = " ".join(name_words).removesuffix("'s")
        configured = context.directory.lookup(name)
        if configured is not None:
            entity = context.remember(configured)
            return Speaker(entity.name, entity.kind, "named", evidence)
        if any(w.casefold() in ORGANISATION_HEADS or w.casefold() in _NAME_FUNCTION_WORDS for w in name_words):
            return Speaker(name, "organisation", "organisation", evidence)
        if any(w.casefold() in ORGANISATION_HEADS for w in words) and name_after_body(words) is None:
            return Speaker(_as_written(words), "organisation", "organisation", evidence)
        if len(name_words) == 1:
            known = context.find_by_surname(name)
            if known is not None:
                return Speaker(known.name, known.kind, "named", evidence)
            if name.casefold() in CAPITALS_AND_STATES or name.casefold() in QUALIFIERS:
                return Speaker(name, "organisation", "organisation", evidence)
        return Speaker(name, "person", "named", evidence)

    def _resolve_descriptor(self, context: _LineContext, words: list[str], evidence: str) -> Speaker | None:
        key = descriptor_key(words)
        if key is None:
            return None
        for entity in reversed(context.entities):
            if any(_descriptor_matches(key, role) for role in entity.roles):
                return Speaker(entity.name, entity.kind, "descriptor", evidence)
        # A configured title stands for its holder only once the article has named them: offices
        # change hands, and "the UN human rights chief" is whoever holds the office when the copy is written.
        return Speaker(_as_written(words), "organisation", "descriptor", evidence)

    def _resolve_pronoun(self, context: _LineContext, pronoun: str, at: int, evidence: str) -> Speaker | None:
        if pronoun in RELATIVE_PRONOUNS:
            before = [m for m in context.mentions if m.end <= at]
            if before:
                entity = context.remember(before[-1].entity)
                return Speaker(entity.name, entity.kind, "pronoun", evidence)
            return None
        if pronoun in GROUP_PRONOUNS:
            candidate = context.memory.last_speaker
            known = context.find_by_name(candidate) if candidate else None
            if known is not None and known.kind == "organisation":
                return Speaker(known.name, known.kind, "pronoun", evidence)
            return None
        gender = PERSONAL_PRONOUNS[pronoun]

        def fits(entity: RememberedEntity | None) -> bool:
            return entity is not None and entity.kind == "person" and entity.gender in (None, gender)

        first = next(
            (m for m in context.mentions if m.entity.kind == "person" and not _inside(context.quotations, m.start)),
            None,
        )
        opener = context.text.split(maxsplit=1)[0].casefold().strip(",") if context.text.strip() else ""
        if first is not None and first.start < at and opener not in CLAUSE_OPENERS:
            subject = context.find_by_name(first.entity.name)
            if fits(subject) and subject is not None:
                return Speaker(subject.name, subject.kind, "pronoun", evidence)
        last = context.memory.last_speaker
        last_entity = context.find_by_name(last) if last else None
        if fits(last_entity) and last_entity is not None:
            return Speaker(last_entity.name, last_entity.kind, "pronoun", evidence)
        for entity in reversed(context.entities):
            if fits(entity):
                return Speaker(entity.name, entity.kind, "pronoun", evidence)
        return None

    def _continuation(self, context: _LineContext, tokens: list[_Token]) -> Speaker | None:
        previous = context.memory.previous_line_speaker
        if previous is None or not tokens:
            return None
        known = context.find_by_name(previous)
        kind = known.kind if known else "person"
        words = [t.group().casefold() for t in tokens if t.group()[:1].isalpha()]
        if tokens[0].group() == '"':
            return Speaker(previous, kind, "continuation", "quotation continuing the previous line")
        opens_continuation = len(words) >= 2 and words[0] in CONTINUATION_OPENERS
        if opens_continuation and (
            words[1] in CONTINUATION_MODALS
            or (len(words) >= 3 and words[1] in CONTINUATION_SUBJECTS and words[2] in CONTINUATION_MODALS)
        ):
            return Speaker(previous, kind, "continuation", " ".join(words[:3]))
        return None


def _without_dateline(text: str, directory: Directory) -> str:
    """Blank out a wire dateline ("GENEVA, June 12 - ", "GENEVA: "), keeping offsets. A body's
    acronym before a colon ("ICRC: ...") is a speaker, not a place."""
    match = _DATELINE.match(text)
    if match is None or (match.group("mark") == ":" and directory.lookup(match.group("place").strip())):
        return text
    return " " * match.end() + text[match.end() :]


def _phrase_before(tokens: list[_Token], position: int) -> tuple[list[_Token], str] | None:
    """The words between the last clause boundary and ``position``, and that boundary."""
    phrase: list[_Token] = []
    for token in reversed(tokens[: bisect_right(tokens, position, key=re.Match.end)]):
        word = token.group()
        if word in {",", ";", ":", '"', "(", ")", "-"}:
            return phrase, word
        if word.casefold() in _CLAUSE_WORDS:
            return phrase, word.casefold()
        phrase.insert(0, token)
        if len(phrase) > 12:
            return None
    return phrase, ""


def _is_body_name(name: str) -> bool:
    """A body's name as such ("Syrian Observatory", "city council"), not a title left unresolved."""
    return name[:1].isupper() or any(word in ORGANISATION_HEADS for word in fold(name).split())


def _first_conjunct(phrase: list[_Token]) -> list[_Token]:
    """ "The Ukrainian government and the ICRC": two subjects, and the first is the one taken."""
    for index in range(1, len(phrase) - 1):
        if phrase[index].group() != "and":
            continue
        before, after = phrase[index - 1].group(), phrase[index + 1].group()
        if (_is_name_word(before) or before.casefold() in _ROLES_AND_BODIES) and (
            _is_name_word(after) or after.casefold() in DETERMINERS
        ):
            return phrase[:index]
    return phrase


def _text_at(tokens: list[_Token], position: int) -> str:
    """The word that starts first at or after ``position``, or an empty string."""
    following = tokens[bisect_right(tokens, position - 1, key=re.Match.start) :]
    return following[0].group().casefold() if following else ""


def _tokens_in(text: str, span: tuple[int, int]) -> list[_Token]:
    return [t for t in _TOKEN_RE.finditer(text, span[0], span[1])]


def _closing_verb(context: _LineContext) -> re.Match[str] | None:
    """A saying verb in the last words of the line, outside any quotation."""
    text = context.text
    last = None
    for last in _VERB_RE.finditer(text, max(0, len(text) - 120)):  # noqa: B007 - the last one is wanted
        pass
    if last is None or last.group() not in _CLOSING_VERBS or len(_WORD_RE.findall(text, last.end())) > 8:
        return None
    return None if _inside(context.quotations, last.start()) else last


def _quotations(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of quoted words. A mark after a space (or at the start) opens, any other closes, so
    a quotation inside a quotation closes with it; a mark left open is not a quotation."""
    spans = []
    opened: int | None = None
    for mark in _QUOTE_MARK.finditer(text):
        index = mark.start()
        if index == 0 or text[index - 1] in " ([":
            opened = index if opened is None else opened
        elif opened is not None:
            spans.append((opened, index))
            opened = None
    return tuple(spans)


def _inside(spans: tuple[tuple[int, int], ...], position: int) -> bool:
    return any(start < position < end for start, end in spans)


def _name_beside(tokens: list[_Token], last: _Token) -> list[_Token] | None:
    """The name set off by commas right after a title: ", Anna Lind," or ", Anna Lind" at the end."""
    following = tokens[bisect_right(tokens, last.start(), key=re.Match.start) :]
    if not following or following[0].group() != ",":
        return None
    name: list[_Token] = []
    for token in following[1:]:
        if not _is_name_word(token.group()):
            break
        name.append(token)
    rest = following[1 + len(name) :]
    if not name or (rest and rest[0].group() not in {",", ".", ";"}):
        return None
    return name


def _followed_by_comma(tokens: list[_Token], last: _Token) -> bool:
    following = tokens[bisect_right(tokens, last.start(), key=re.Match.start) :]
    return bool(following) and following[0].group() == ","


def _definite_before(text: str, start: int) -> bool:
    return text[max(0, start - 5) : start].casefold().endswith(("the ", "this ", "that "))


def _opening_bracket(tokens: list[_Token], position: int) -> int | None:
    """Where the short bracketed aside that ends just before ``position`` opens."""
    before = tokens[: bisect_right(tokens, position, key=re.Match.end)]
    for back, token in enumerate(reversed(before[:-1]), start=1):
        if token.group() == "(":
            return token.start()
        if back > 6 or token.group() == ")":
            return None
    return None


def _phrase_after(tokens: list[_Token], position: int) -> list[_Token]:
    phrase: list[_Token] = []
    for token in (t for t in tokens if t.start() >= position):
        if not token.group()[:1].isalpha() and token.group() not in {"'s"}:
            break
        if token.group().casefold() in _CLAUSE_WORDS or (
            phrase and token.group().casefold() in PREPOSITIONS and token.group().casefold() != "of"
        ):
            break
        phrase.append(token)
        if len(phrase) > 8:
            return []
    phrase = _without_trailing_time(phrase)
    while phrase and phrase[-1].group().casefold() in _AFTER_PHRASE_TRAILERS:
        phrase.pop()
    while len(phrase) > 1 and phrase[0].group().casefold() in DETERMINERS:
        phrase.pop(0)
    return phrase


def _without_trailing_time(words: list[_Token]) -> list[_Token]:
    """ "Minister X on Monday denied": a time phrase after the subject is not part of it."""
    end = len(words)
    while end and (words[end - 1].group().casefold() in TIME_WORDS or words[end - 1].group().isdigit()):
        end -= 1
    if end == len(words):
        return words
    while end and words[end - 1].group().casefold() in TIME_LEADERS:
        end -= 1
    return words[:end]


def _without_place_of_person(words: list[_Token]) -> list[_Token]:
    """ "President Anna Petrova of Ruritania": the person, without where they are from."""
    of_at = next((i for i, t in enumerate(words) if i >= 2 and t.group() == "of"), None)
    if of_at is None:
        return words
    name = [t.group() for t in words[of_at - 2 : of_at]]
    if all(_is_name_word(w) and w.casefold() not in _ROLES_AND_BODIES for w in name) and not any(
        t.group().casefold() in ORGANISATION_HEADS for t in words[:of_at]
    ):
        return words[:of_at]
    return words


def _strip_subject(phrase: list[_Token]) -> list[_Token]:
    words = _without_place_of_person(_without_trailing_time(phrase))
    # "Witnesses who fled Mariupol said": the subject is what the relative clause describes.
    relative = next(
        (i for i, t in enumerate(words) if i and t.group().casefold() in RELATIVE_PRONOUNS and not t.group().isupper()),
        None,
    )
    if relative is not None:
        words = words[:relative]
    while words and words[-1].group().casefold() in SUBJECT_TRAILERS:
        words.pop()
    while words and words[0].group().casefold() in SUBJECT_LEADERS:
        words.pop(0)
    while (
        len(words) > 1
        and words[0].group().casefold() in DETERMINERS
        and not (
            words[0].group().casefold() in _POSSESSIVE_PRONOUNS and words[-1].group().casefold() in ORGANISATION_HEADS
        )
    ):
        words.pop(0)
    if len(words) > 2 and words[0].group().casefold() == "of":
        # "one of the few eyewitnesses": the subject is what it is one of.
        return _strip_subject(words[1:])
    if not words:
        return []
    lowered = [w.group().casefold() for w in words]
    if lowered[0] in _NOT_SUBJECT_OPENERS and len(words) > 1:
        return []
    # The head is the last word, or the role or body that a complement attaches to:
    # "a spokesman for ...", "residents of ...", "headquarters for prisoners of war".
    complement_head = _complement_head(lowered)
    head = len(words) - 1 if complement_head is None else complement_head
    # A subject is a name, a pronoun, a descriptor or a body: any other lowercase
    # word before the head means this is not a subject phrase at all.
    head_is_name = _is_name_word(words[head].group())
    head_is_body = lowered[head] in ORGANISATION_HEADS
    for index, token in enumerate(words[: head + 1]):
        word = lowered[index].removesuffix("'s")
        if _is_name_word(token.group()) or word in {"'s", "of", "and"} or word in ROLE_WORDS:
            continue
        if word in _NAME_FUNCTION_WORDS and index and _is_name_word(words[index - 1].group()):
            continue  # "Institute for the Study of War"
        if word in ORGANISATION_HEADS or word in QUALIFIERS or word in DETERMINERS:
            continue
        if word in PERSONAL_PRONOUNS or word in GROUP_PRONOUNS or word in RELATIVE_PRONOUNS:
            continue
        if word.removesuffix("'s") in PERSONAL_PRONOUNS or word.removesuffix("'s") in GROUP_PRONOUNS:
            continue
        if (head_is_name or head_is_body) and word not in PREPOSITIONS and index < head:
            continue
        return []
    return words


_ATTACHING_PREPOSITIONS = frozenset({"of", "for", "in", "from", "at", "to"})
_NAME_FUNCTION_WORDS = frozenset({"of", "for", "the", "and", "on"})
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "its": "it"}
_AFTER_PHRASE_TRAILERS = SUBJECT_TRAILERS | {"on", "in", "of"}
_NOT_SUBJECT_OPENERS = CLAUSE_OPENERS | RELATIVE_PRONOUNS | {"which"}
_ROLES_AND_BODIES = ROLE_WORDS | ORGANISATION_HEADS
_DOCUMENTS = frozenset({"statement", "report", "document", "letter", "communique", "post", "message"})
_GENERIC_BODY_HEADS = _DOCUMENTS | {"group", "organisation", "organization", "agency", "movement", "body"}
_CLOSING_VERBS = frozenset({"said", "says", "told", "tells", "added", "adds", "stated", "wrote", "noted", "explained"})
_WORD_RE = re.compile(r"[A-Za-z]+")
_QUOTE_MARK = re.compile('"')
_QUOTED_AS = re.compile(r"\bquoted (?!by\b)((?:[\w.'-]+ ){1,8}?)as saying\b")
_AFTER_QUOTATION_ONLY = frozenset({"continued", "continues", "went on"})
_SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "representative", "spokespeople"})


def _is_title_word(word: str) -> bool:
    lowered = word.casefold()
    return lowered in DETERMINERS or lowered in ROLE_WORDS or lowered in QUALIFIERS


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() or bool(_NAME_PARTICLE.match(word) and "-" in word)


def _complement_head(lowered: list[str]) -> int | None:
    """The first role or body that takes a complement, and so heads its phrase: "a spokesman
    for President Putin" is the spokesman, while "Turkish Foreign Minister Mevlut Cavusoglu" is
    Cavusoglu."""
    return next(
        (
            index
            for index, (word, following) in enumerate(pairwise(lowered))
            if word in _ROLES_AND_BODIES and following in _ATTACHING_PREPOSITIONS
        ),
        None,
    )


def _role_governs(segment: list[_Token]) -> bool:
    return _complement_head([t.group().casefold().removesuffix("'s") for t in segment]) is not None


def _mentions_role(segment: list[_Token]) -> bool:
    return any(t.group().casefold().removesuffix("'s") in _ROLES_AND_BODIES for t in segment)


def _is_passive(phrase: list[_Token], verb: str) -> bool:
    last = phrase[-1].group().casefold()
    lowered = verb.casefold().split()[0]
    return last in PASSIVE_AUXILIARIES and (lowered.endswith("ed") or lowered in _IRREGULAR_PAST)


def _quote_closes_before(tokens: list[_Token], position: int) -> bool:
    before = [t.group() for t in tokens if t.end() <= position][-2:]
    return before == ['"', ","] or before[-1:] == ['"']


def _only_trailers_between(text: str, start: int, end: int) -> bool:
    between = re.findall(r"[A-Za-z']+", text[start:end])
    return all(w.casefold() in SUBJECT_TRAILERS or w.casefold() == "'s" for w in between)


def _preposition_before(text: str, start: int) -> bool:
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 20) : start])
    return bool(before) and before[-1].casefold() in PREPOSITIONS


def _trailing_name(words: list[str]) -> list[str]:
    """The name at the end of a subject phrase, without the titles before it.

    "Russian Foreign Minister Sergei Lavrov" ends in "Sergei Lavrov"; a named body
    keeps its capitalised words and inner function words whole: "the opposition
    National Unity Government", "The Institute for the Study of War".
    """
    run: list[str] = []
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        inner_function_word = (
            run and word.casefold() in _NAME_FUNCTION_WORDS and index > 0 and _is_name_word(words[index - 1])
        )
        if _is_name_word(word) or (run and _NAME_PARTICLE.match(word)) or inner_function_word:
            run.insert(0, word)
            continue
        break
    while run and (run[0].casefold() in _NAME_FUNCTION_WORDS or run[0].casefold() in DETERMINERS):
        run.pop(0)
    if any(w.casefold() in ORGANISATION_HEADS for w in run):
        person = name_after_body(run)
        if person is None:
            return run
        run = person
    name: list[str] = []
    for word in reversed(run):
        lowered = word.casefold()
        if lowered in ROLE_WORDS or lowered in DETERMINERS or (lowered in QUALIFIERS and name):
            break
        name.insert(0, word)
    return name


def _as_written(words: list[str]) -> str:
    while len(words) > 1 and (words[0].casefold() in DETERMINERS or words[0].casefold() in QUANTIFIERS):
        words = words[1:]
    return " ".join(words)
