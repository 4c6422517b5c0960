"""Who is speaking in a line: the subject of its main reporting verb, resolved.

A transcript's speaker label ("MR PRICE:") settles it, and holds the floor for
the lines after it; so does the author named in "The following statement by X
was issued today:". Otherwise the attributor tries, in order, a "Name:" prefix,
"the agency quoted X as saying", "the agency reported, citing X", an attribution
closing the line after a clause ("..., Deputy Prime Minister X said."), a
statement quoted from its first words ('In a joint statement, "X urged ..."'),
the reporting verbs outside quotations ("said", "called for", "according to",
"..., said Zelenskyy"), and a source framed by a participle or a passive ("with
officials saying", "are said by the UN to"), reading the subject phrase with
``phrases`` and resolving it against the article's memory: a name, a pronoun, a
descriptor such as "Russia's foreign minister", or a body ("the aid agency").
What kind of thing a candidate is (a news agency, several people left unnamed)
is decided in ``candidates``. A line with no attribution can still continue the
previous speaker's account (an opening quotation mark, "This would involve ...").
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from dataclasses import dataclass
from functools import cached_property

from pipeline.domain import candidates, phrases
from pipeline.domain.known import KnownEntities
from pipeline.domain.lexicon import (
    CAPITALS_AND_STATES,
    CLAUSE_OPENERS,
    CONTINUATION_MODALS,
    CONTINUATION_OPENERS,
    CONTINUATION_SUBJECTS,
    GROUP_PRONOUNS,
    GROUP_REFERENCES,
    INDEFINITE_PRONOUNS,
    ORGANISATION_HEADS,
    PERSONAL_PRONOUNS,
    PREPOSITIONS,
    QUALIFIERS,
    REGIONAL_ADJECTIVES,
    RELATIVE_PRONOUNS,
    REPORTING_VERBS,
    ROLE_WORDS,
)
from pipeline.domain.matching import word_start_alternation
from pipeline.domain.memory import ArticleMemory, RememberedEntity
from pipeline.domain.names import (
    NAME_FUNCTION_WORDS,
    Descriptor,
    Directory,
    Entity,
    Mention,
    descriptor_key,
    find_bodies,
    find_mentions,
    name_after_body,
    name_runs,
)
from pipeline.domain.text import fold, last_span_before
from pipeline.domain.transcripts import speaker_label

MAX_REMEMBERED = 40
# How far before a reporting verb its subject is looked for, in characters: several times the longest
# subject phrase ("The UN humanitarian coordinator for ..., who ..., said"), and a bound that keeps the
# work per verb the same however long the line.
_SUBJECT_REACH = 1_000
# What the reporting verbs of one line may read between them, in characters of their windows: a line
# of nothing but "said" must not be read thousands of times over, and a line under 1,000 characters
# (200 verbs at most, each reading at most the line) never comes near it, so a speaker is never lost
# to the bound in a line of copy, however many verbs stand before the one that names it.
_MOST_READ_FOR_VERBS = 262_144

# Frames that name the source after them: "according to X", "the below is attributable to X:".
_SOURCE_FRAMES = ("according to", "According to", "attributable to", "stated by", "As stated by")
_FOLDED_SOURCE_FRAMES = frozenset(frame.casefold() for frame in _SOURCE_FRAMES)
# Case-sensitive on purpose: "States" in "United States" is not a verb.
_VERB_RE = re.compile(word_start_alternation([*REPORTING_VERBS, *_SOURCE_FRAMES], r"\w'-") + r"(?![\w-])")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'/-]{2,40}?)(?:,\s*[A-Z][A-Za-z.' ]{2,30}?)?(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?"
    r"(?:\s*\([^)]{1,40}\))?\s*(?P<mark>-+|:)(?:\s|(?<=[A-Z]-)(?=[A-Z]))"
)
_COLON_PREFIX = re.compile(r"^\s*([A-Z][^:\"]{1,60}?):\s+\S")


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


def _descriptor_matches(phrase: Descriptor, role: Descriptor) -> bool:
    (q1, c1), (q2, c2) = phrase, role
    # "the spokesman" for a "Kremlin spokesman", "the Secretary" for a "secretary of state"
    if c1 != c2 and not c2.endswith(" " + c1) and c2.split()[0] != c1:
        return False
    return q1 is None or q2 is None or q1 == q2


class _LineContext:
    """Everything known while attributing one line."""

    def __init__(
        self,
        text: str,
        mentions: list[Mention],
        bodies: list[tuple[int, str]],
        memory: ArticleMemory,
        directory: Directory,
    ) -> None:
        self.text = text
        self.mentions = mentions
        self.memory = memory
        self.directory = directory
        self.known = KnownEntities(memory.entities)
        # Everyone the line names, in the order it names them; bodies named in passing too, so that a
        # later "the council" finds the Security Council.
        in_passing = deque(bodies)
        spans = [(m.start, m.end) for m in mentions]
        for mention in [*mentions, None]:
            while in_passing and (mention is None or in_passing[0][0] < mention.start):
                at, name = in_passing.popleft()
                span = last_span_before(spans, at + 1)
                # "the African Union Commission" is a body of its own, though it holds a name known as another's.
                if (span is None or span[1] < at + len(name)) and self.find_by_name(name) is None:
                    self.remember(Entity(name, "organisation"))
            if mention is not None:
                self.remember(mention.entity, mention.learned_roles)

    @cached_property
    def quotations(self) -> tuple[tuple[int, int], ...]:
        return phrases.quotations(self.text) if '"' in self.text else ()

    @cached_property
    def opening_tokens(self) -> list[phrases.Token]:
        """The words that open the line, as far as a subject is ever looked for."""
        return phrases.window_tokens(self.text, 0, _SUBJECT_REACH)

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
            self.known.forget(existing)
        self.known.add(updated)
        return updated

    def find_by_name(self, name: str) -> RememberedEntity | None:
        return self.known.by_name(name)

    def find_by_surname(self, name: str) -> RememberedEntity | None:
        return self.known.by_surname(name)


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
        runs = name_runs(normalised)
        mentions = find_mentions(normalised, self._directory, runs)
        context = _LineContext(normalised, mentions, find_bodies(runs), memory, self._directory)
        author = _STATEMENT_BY.match(normalised) if label is None else None
        if label is not None:
            speaker = self._labelled(context, label.name)
            turn = speaker.name if speaker else None
        elif author is not None:
            # "The following statement by the Secretary-General was issued today:": its author holds
            # the floor for the first-person lines after it, as a transcript's speaker does.
            who = phrases.strip_subject(phrases.tokens_in(normalised, author.span("who")))
            speaker = self._resolve_phrase(context, who, author.start("who"), "statement by") if who else None
            turn = speaker.name if speaker else memory.turn_speaker
        elif (signed := None if memory.transcript else _byline(context)) is not None:
            # "Ambassador Richard Mills" over remarks: the speech that follows is his, line after line.
            speaker, turn = None, context.remember(signed).name
        elif memory.turn_speaker is not None and not memory.transcript:
            # Remarks under a byline, or a statement under its heading: each line of the speech is its
            # speaker's, whatever it reports others saying; the headings around it (a title, a place, a
            # date) are no one's.
            turn = memory.turn_speaker
            speaker = (
                None if _is_heading(normalised) else Speaker(turn, "person", "turn", "the speech since its byline")
            )
        else:
            speaker = self._find(context)
            turn = memory.turn_speaker
            if speaker is None and turn is not None:
                speaker = Speaker(turn, "person", "turn", "the floor since the last speaker label")
        if speaker is not None and speaker.method not in {"continuation", "turn"}:
            context.remember(Entity(speaker.name, speaker.kind))
        transcript = memory.transcript or label is not None
        return Attribution(speaker, context.known.latest(MAX_REMEMBERED), transcript, turn)

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
        """The first way of finding a speaker that finds one, tried in order of how certain it is."""
        for way in (
            self._colon_prefix,
            self._quoted_as_saying,
            self._citing,
            self._closing_attribution,
            self._statement_quoted,
            self._statement_author,
            self._reporting_verbs,
            self._framed_source,
            self._finding_of,
            self._continuation,
        ):
            found = way(context)
            if found is not None and not candidates.is_news_agency(found.name):
                return found
        return None

    def _colon_prefix(self, context: _LineContext) -> Speaker | None:
        """ "Zelenskyy: We will not give up."""
        colon = _COLON_PREFIX.match(context.text)
        if colon is None or len(colon.group(1).split()) > 6:
            return None
        return self._resolve_phrase(context, phrases.tokens(colon.group(1)), 0, "colon")

    def _quoted_as_saying(self, context: _LineContext) -> Speaker | None:
        """ "the agency quoted the defence ministry as saying" and "X was quoted by the agency as
        saying": the one quoted speaks, not the outlet that carried it."""
        text = context.text
        if "quoted" not in text and "cited" not in text:
            return None
        quoted_as = _QUOTED_AS.search(text)
        if quoted_as is not None:
            quoted = phrases.strip_subject(phrases.tokens_in(text, quoted_as.span(1)))
            return self._resolve_phrase(context, quoted, 0, "quoted") if quoted else None
        quoted_by = _QUOTED_BY.search(text)
        if quoted_by is None:
            return None
        before = phrases.phrase_before(phrases.tokens(text[: quoted_by.start()]), quoted_by.start())
        subject = phrases.strip_subject(before[0]) if before else []
        return self._resolve_phrase(context, subject, quoted_by.start(), quoted_by.group()) if subject else None

    def _citing(self, context: _LineContext) -> Speaker | None:
        """ "..., the state news agency reported, citing the defence ministry.": the source the outlet
        cites is the speaker, when it is one ("citing satellite imagery" names nobody)."""
        if "citing" not in context.text:
            return None
        citing = _CITING.search(context.text)
        if citing is None or _attributed_before(context, citing.start()):
            return None
        cited = phrases.strip_subject(phrases.phrase_after(phrases.tokens(context.text), citing.end()))
        return self._resolve_phrase(context, cited, citing.start(), "citing") if cited else None

    def _closing_attribution(self, context: _LineContext) -> Speaker | None:
        """ "Lisk turned down the offer, Deputy Prime Minister X said.": an attribution closing the line
        after a comma names who said all of it, whatever verbs the reported clause has."""
        verb = _closing_verb(context)
        if verb is None or not _VERB_RE.search(context.text, 0, verb.start()):
            return None
        tokens = phrases.tokens_in(context.text, (max(0, verb.start() - 200), verb.end()))
        before = phrases.phrase_before(tokens, verb.start())
        if before is None or before[1] != "," or not before[0]:
            return None
        subject = phrases.strip_subject(before[0])
        return self._resolve_phrase(context, subject, verb.start(), verb.group()) if subject else None

    def _statement_quoted(self, context: _LineContext) -> Speaker | None:
        """'In a joint statement, "Ruritania and Korvia urged both parties ..."': the statement is
        quoted from its own first words, and the subject of its verb is who issued it."""
        opening = _STATEMENT_QUOTED.match(context.text)
        if opening is None:
            return None
        verb = _VERB_RE.search(context.text, opening.end())
        if verb is None or verb.start() - opening.end() > 120:
            return None
        subject = phrases.strip_subject(phrases.tokens_in(context.text, (opening.end(), verb.start())))
        return self._resolve_phrase(context, subject, verb.start(), verb.group()) if subject else None

    def _statement_author(self, context: _LineContext) -> Speaker | None:
        """ "In a statement released by the army, ..." and "a spokesman read a statement on behalf of
        the army": the statement speaks for its author, never for the one who reads it out. A statement
        after someone's own words ("X said in a statement by ...") leaves them to be the speaker, and
        one talked about mid-sentence is not what the line is."""
        named = _STATEMENT_AUTHOR.search(context.text)
        if named is None or (context.quotations and phrases.inside(context.quotations, named.start())):
            return None
        earlier = _VERB_RE.search(context.text, 0, named.start())
        if earlier is None:
            if len(context.text[: named.start()].split()) > 4:
                return None  # "... because of the statement by the minister": a statement talked about
        elif earlier.group().casefold() not in _READING_OUT:
            return None
        following = context.text[named.end() :].split(None, 1)
        if not following or following[0].casefold() in phrases.POSSESSIVE_PRONOUNS:
            return None  # "a statement from their headquarters": where it came from, not who wrote it
        author = phrases.strip_subject(
            _without_trailing_words(phrases.phrase_after(phrases.tokens(context.text), named.end()))
        )
        return self._resolve_phrase(context, author, named.start(), named.group().strip()) if author else None

    def _reporting_verbs(self, context: _LineContext) -> Speaker | None:
        """The subject of the first reporting verb outside a quotation that has one."""
        text = context.text
        fallback: Speaker | None = None
        read = 0
        for verb in _VERB_RE.finditer(text):
            if context.quotations and phrases.inside(context.quotations, verb.start()):
                continue  # "what the UN called ..." inside a quotation is not who says it
            if phrases.negated(text, verb.start(), verb.end()):
                continue
            window = (max(0, verb.start() - _SUBJECT_REACH), min(len(text), verb.end() + 60))
            read += window[1] - window[0]
            if read > _MOST_READ_FOR_VERBS:
                break
            tokens = phrases.window_tokens(text, *window)
            before = phrases.phrase_before(tokens, verb.start())
            found = self._attribute_verb(context, tokens, verb, before)
            if found is None or candidates.is_news_agency(found.name):
                continue  # "According to a report by Reuters, Russia said": the agency only carries it
            if before is None or before[1] not in _SUBORDINATE:
                return found
            # "..., after Moscow and Kyiv agreed on the corridor, he said": the main clause speaks.
            fallback = fallback or found
        return fallback

    def _attribute_verb(
        self,
        context: _LineContext,
        tokens: list[phrases.Token],
        verb: re.Match[str],
        before: tuple[list[phrases.Token], str] | None,
    ) -> Speaker | None:
        """The speaker ``verb`` attributes to; ``before`` is the phrase before it and its boundary."""
        if verb.group().casefold() in _FOLDED_SOURCE_FRAMES:
            after = phrases.issuer_after(tokens, verb.end())
            if after and any(t.group().casefold() in ROLE_WORDS for t in after):
                after = phrases.name_beside(tokens, after[-1]) or after  # "according to the mayor, Ivan Sorok"
            return self._resolve_phrase(context, after, verb.start(), "according to") if after else None
        if before is not None and before[1] == ")" and phrases.only_adjuncts(before[0]):
            # "The UN humanitarian office (OCHA) said": the subject stands before the brackets.
            opening = phrases.opening_bracket(tokens, before[0][0].start() if before[0] else verb.start())
            before = phrases.phrase_before(tokens, opening) if opening is not None else before
            if before is not None and before[0] and before[0][0].group() == "and":
                return None  # "X (SAF) and Y (RSF) have agreed": two parties, neither the one speaking
        if before is None:
            return None
        phrase, boundary = before
        if boundary == "-" and not phrase:
            # "The sources - a person briefed on the talks and a diplomat - told Reuters": the subject
            # stands before the aside set off by dashes.
            dashes = [t.start() for t in tokens if t.end() <= verb.start() and t.group() == "-"]
            aside = phrases.phrase_before(tokens, dashes[-2]) if len(dashes) >= 2 else None
            subject = phrases.strip_subject(aside[0]) if aside else []
            return self._resolve_phrase(context, subject, verb.start(), verb.group()) if subject else None
        head = phrases.head_of_list(tokens, phrase, boundary)
        if head is not None:
            phrase, boundary = head
        if phrase and phrases.is_passive(phrase, verb.group()):
            # '"...," I was told by one resident': after a quotation the agent speaks it; otherwise a
            # passive narrates ("X was told by officials that ...").
            quoted = phrases.quote_closes_before(tokens, phrase[0].start())
            agent = (
                phrases.phrase_after(tokens, verb.end() + 3)
                if quoted and phrases.text_at(tokens, verb.end()) == "by"
                else []
            )
            return self._resolve_phrase(context, agent, verb.start(), verb.group()) if agent else None
        if verb.group() in _AFTER_QUOTATION_ONLY and not (
            phrase and phrases.quote_closes_before(tokens, phrase[0].start())
        ):
            return None  # "Fighting continued" narrates; '"...," Kalnin continued' attributes
        subject = phrases.strip_subject(phrase)
        if subject:
            return self._resolve_phrase(context, subject, verb.start(), verb.group())
        if phrases.only_adverbials(phrase):
            phrase = []  # "X, the minister, later said" / "..., last month reported": the subject is further back
        if boundary == '"' or (boundary == "," and phrases.quote_closes_before(tokens, verb.start())):
            after = phrases.phrase_after(tokens, verb.end())
            if after and any(t.group().casefold() in ROLE_WORDS for t in after):
                # '"...," said the UN rights chief, Anna Lind, in a statement': the name beside the title.
                after = phrases.name_beside(tokens, after[-1]) or after
            if after:
                return self._resolve_phrase(context, after, verb.start(), verb.group())
            return None
        if boundary == "," and not phrase:
            inserted = phrases.phrase_after(tokens, verb.end())
            if inserted and phrases.followed_by_comma(tokens, inserted[-1]):
                # "The United States, said Ambassador Power, joins ...": the attribution is set into the sentence.
                # What follows may instead be the reported clause ("X, speaking on Monday, said the army
                # was seeking an immediate, durable truce"): then the subject stands before the aside.
                found = self._resolve_phrase(context, inserted, verb.start(), verb.group())
                if found is not None:
                    return found
            closing = phrases.strip_subject(inserted) if verb.group() in {"said", "says"} else []
            if closing and phrases.ends_line(context.text, inserted[-1]):
                # "The shelling has not stopped, said a spokesperson for X.": the attribution closes the line.
                found = self._resolve_phrase(context, closing, verb.start(), verb.group())
                if found is not None:
                    return found
            return self._appositive_subject(context, tokens, verb.start(), verb)
        if phrases.ends_in_and(phrase):
            return self._line_subject(context, context.opening_tokens, verb.group())
        return None

    def _appositive_subject(
        self, context: _LineContext, tokens: list[phrases.Token], position: int, verb: re.Match[str]
    ) -> Speaker | None:
        """ "Name, the ROLE, said" and "the ROLE, Name, said": the subject stands between or before commas."""
        commas = [t.start() for t in tokens if t.end() <= position and t.group() == ","]
        if not commas:
            return None
        inner = phrases.phrase_before(tokens, commas[-1])
        if inner is not None and not inner[0] and inner[1] == ")":
            # "Doctors Without Borders (MSF), which works there, said": the name stands before its acronym.
            opening = phrases.opening_bracket(tokens, commas[-1])
            inner = phrases.phrase_before(tokens, opening) if opening is not None else None
        if inner is None or not inner[0]:
            return None
        segment, boundary = inner
        opener = segment[0].group()
        interjected = opener[:1].islower() and not phrases.is_title_word(opener)
        if boundary in phrases.CLAUSE_WORDS:
            # "X, which did not attend, said": the clause starts at its clause word.
            clause_word = max(
                t.start() for t in tokens if t.end() <= segment[0].start() and t.group().casefold() == boundary
            )
            return self._appositive_subject(context, tokens, clause_word, verb)
        if boundary == "," and (interjected or opener.casefold() in CLAUSE_OPENERS):
            # "X, who heads UNRWA, said" / "X, in his nightly address, said": the subject is before the clause.
            return self._appositive_subject(context, tokens, segment[0].start(), verb)
        subject = phrases.strip_subject(segment)
        if subject and phrases.is_name_word(subject[-1].group()) and not phrases.role_governs(segment):
            return self._resolve_phrase(context, subject, verb.start(), verb.group())
        head = segment[-1].group().casefold()
        if (
            boundary == ""
            and subject
            and (head in ROLE_WORDS or head in ORGANISATION_HEADS or phrases.role_governs(segment))
        ):
            # "The official, who spoke on condition of anonymity, said": the descriptor opens the sentence;
            # so does a body with a complement ("The Centre for Reconciliation in Syria, part of ..., said").
            return self._resolve_phrase(context, subject, verb.start(), verb.group())
        if boundary != "," or not (head in ROLE_WORDS or head in ORGANISATION_HEADS or phrases.mentions_role(segment)):
            return None
        comma_before = max(t.start() for t in tokens if t.end() <= segment[0].start() and t.group() == ",")
        outer = phrases.phrase_before(tokens, comma_before)
        if outer is None or not outer[0]:
            return None
        named = phrases.strip_subject(outer[0])
        if not named:
            return None
        found = self._resolve_phrase(context, named, verb.start(), verb.group())
        if found is not None and found.method == "named" and head in ORGANISATION_HEADS and len(named) == 1:
            return Speaker(found.name, "organisation", "organisation", found.evidence)
        return found

    def _line_subject(self, context: _LineContext, tokens: list[phrases.Token], cue: str) -> Speaker | None:
        """ "X visited the border and called for ...": the verb shares the sentence's subject."""
        opener = next((t for t in tokens if t.group()[:1].isalpha()), None)
        if opener is None or opener.group().casefold() in CLAUSE_OPENERS:
            return None
        opening_end = next(
            (t.start() for t in tokens if t.group()[:1].islower() and not phrases.is_title_word(t.group())),
            len(context.text),
        )
        opening = [m for m in context.mentions if m.start < opening_end]
        if not opening:
            return self._opening_name(context, tokens, cue)
        first = opening[0]
        # "Russia's UN ambassador, Vitaly Churkin, took the floor and announced": the person the
        # opening phrase ends in, not the bodies in its titles.
        people = [m for m in opening if m.entity.kind == "person"]
        if people and first.entity.kind != "person":
            first = people[-1]
        titles = [t.group() for t in tokens if t.end() <= first.start and t.group()[:1].isalpha()]
        if all(w[:1].isupper() or phrases.is_title_word(w) or w.endswith("'s") for w in titles):
            entity = context.remember(first.entity)
            method = "named" if entity.kind == "person" else "organisation"
            return Speaker(entity.name, entity.kind, method, f"{first.entity.name} ... {cue}")
        return None

    def _opening_name(self, context: _LineContext, tokens: list[phrases.Token], cue: str) -> Speaker | None:
        """ "Israel defended the move and said ...": the capitalised words that open the line."""
        opening: list[phrases.Token] = []
        for token in tokens:
            if not phrases.is_name_word(token.group()):
                break
            opening.append(token)
        if not opening or len(opening) > 5:
            return None
        if len(opening) == 1 and not (opening[0].group().isupper() or fold(opening[0].group()) in CAPITALS_AND_STATES):
            return None  # "Let me begin ..." opens with a verb; "Israel" and "UNICEF" name a state and a body
        return self._resolve_phrase(context, opening, opening[0].start(), cue)

    def _resolve_phrase(self, context: _LineContext, phrase: list[phrases.Token], at: int, cue: str) -> Speaker | None:
        if not phrase:
            return None  # "a spokesman for the said ...": what was to name someone names nobody
        # "09:25 Guterres said": a time or a number heading the line names nobody (its digits are tokens each).
        phrase = list(itertools.dropwhile(_wordless, phrases.first_conjunct(phrase)))
        if not phrase:
            return None
        words = [t.group() for t in phrase]
        lowered = [w.casefold() for w in words]
        evidence = f"{' '.join(words)} {cue}".strip()
        if len(words) == 1 and (lowered[0] in INDEFINITE_PRONOUNS or lowered[0] in _FIRST_PERSON):
            return None  # "We announced ...": in a transcript, whoever has the floor
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
            and phrases.definite_before(context.text, phrase[0].start())
        ):
            return self._resolve_body_reference(context, words, evidence, phrase[0].start())
        owner_head = lowered[0].removesuffix("'s")
        if (
            len(words) > 1
            and lowered[0].endswith("'s")
            and owner_head in _GENERIC_BODY_HEADS
            and phrases.definite_before(context.text, phrase[0].start())
        ):
            # "the group's media office said": the office speaks for the group named before.
            owner = self._resolve_body_reference(context, [owner_head], evidence, phrase[0].start())
            if owner is not None:
                return owner
        if lowered[0] in phrases.POSSESSIVE_PRONOUNS and len(words) > 1 and lowered[-1] in ORGANISATION_HEADS:
            owner = self._resolve_pronoun(context, phrases.POSSESSIVE_PRONOUNS[lowered[0]], phrase[0].start(), evidence)
            body = " ".join(words[1:])
            return Speaker(f"{owner.name}'s {body}" if owner else body, "organisation", "organisation", evidence)
        for index, word in enumerate(lowered[:-1]):
            speaks_for = (word in phrases.SPOKESPEOPLE and lowered[index + 1] in {"for", "of"}) or (
                # "a senior official of the movement", "an official from the ministry": an official left
                # unnamed speaks for the side named.
                word in _UNNAMED_OFFICIALS and lowered[index + 1] in {"of", "from"}
            )
            if speaks_for and index + 2 < len(words):
                behalf = self._resolve_phrase(context, phrases.strip_subject(phrase[index + 2 :]), at, cue)
                if behalf is not None:
                    return Speaker(behalf.name, behalf.kind, behalf.method, evidence)
            if lowered[index + 1] in phrases.ATTACHING_PREPOSITIONS and word in ORGANISATION_HEADS:
                person = phrases.name_after_place(words[index + 2 :])
                if person:
                    # "the head of the UN office in Ukraine Osnat Lubrani said": the title ends on a place.
                    return self._resolve_name(context, person, words, evidence)
                return Speaker(phrases.as_written(words), "organisation", "organisation", evidence)
        role = phrases.complement_head(lowered)
        if (
            role is not None
            and lowered[role] in ROLE_WORDS
            and (
                not any(phrases.is_name_word(w) for w in words[role + 1 :])
                or (lowered[role + 1] in _LOCATIVES and not phrases.is_name_word(words[-1]))
            )
        ):
            # "the minister of state for social welfare": a title with a complement that names nobody;
            # "an official at the Rafah border crossing": a title and where its holder stands.
            return self._resolve_descriptor(context, words[: role + 1], evidence)
        start, end = phrase[0].start(), phrase[-1].end()
        inside = [m for m in context.mentions if start <= m.start and m.end <= end + 2]
        if inside:
            last = inside[-1]
            governed = last.start > start and phrases.preposition_before(context.text, last.start)
            if phrases.only_trailers_between(context.text, last.end, end) and not governed:
                entity = context.remember(last.entity)
                method = "named" if entity.kind == "person" else "organisation"
                return Speaker(entity.name, entity.kind, method, evidence)
        # "The M23 rebels said" is M23; "Saudi Arabia said" is a state, though "Saudi" is also a nationality.
        joined = " ".join(words)
        named_body = candidates.named_group(words) or (joined if fold(joined) in CAPITALS_AND_STATES else None)
        if named_body is not None:
            entity = context.remember(Entity(named_body, "organisation"))
            return Speaker(entity.name, entity.kind, "organisation", evidence)
        name_words = phrases.trailing_name(words)
        if name_words:
            return self._resolve_name(context, name_words, words, evidence)
        if lowered[-1] in ROLE_WORDS:
            found = self._resolve_descriptor(context, words, evidence)
            side = _side_of_officials(context, phrase) if lowered[-1] in _UNNAMED_OFFICIALS else None
            if side is not None and found is not None and found.name == phrases.as_written(words):
                # Nobody known holds the title: "a senior Tarvo official", "Russian officials" speak for their side.
                entity = context.remember(Entity(side, "organisation"))
                return Speaker(entity.name, entity.kind, "organisation", evidence)
            bodies = [m for m in inside if m.entity.kind == "organisation"]
            if found is not None and found.method == "descriptor" and found.kind == "organisation" and bodies:
                entity = context.remember(bodies[-1].entity)
                return Speaker(entity.name, entity.kind, "organisation", evidence)
            return found
        if lowered[-1] in ORGANISATION_HEADS:
            return Speaker(phrases.as_written(words), "organisation", "organisation", evidence)
        return None

    def _resolve_body_reference(
        self, context: _LineContext, words: list[str], evidence: str, at: int
    ) -> Speaker | None:
        """ "The group said", "the aid agency said": the body the article named before, by its head
        noun where one fits, else, for a plain "the group" or "the aid agency", the last body named.
        A statement or report speaks for whoever issued it."""
        head, written = words[-1], phrases.as_written(words)
        # A body first named later in this line ("the statement said ... from the Gaza Strip") is not the one meant.
        known_before = {fold(e.name) for e in context.memory.entities} | {
            fold(m.entity.name) for m in context.mentions if m.start < at
        }
        bodies = [
            e
            for e in context.known.newest_first()
            if e.kind == "organisation" and candidates.is_body_name(e.name) and fold(e.name) in known_before
        ]
        fitting = next(
            (e for e in bodies if head in fold(e.name).split() or head in context.directory.alias_words(e.name)),
            None,
        )
        kin = _KIN_NAME_WORDS.get(head)
        if fitting is None and kin is not None:
            fitting = next((e for e in bodies if kin & set(fold(e.name).split())), None)
        generic = head in _GENERIC_BODY_HEADS or head in GROUP_REFERENCES
        if fitting is None and generic and len(words) <= 2 and bodies:
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
        if any(w.casefold() in ORGANISATION_HEADS or w.casefold() in NAME_FUNCTION_WORDS for w in name_words):
            return Speaker(name, "organisation", "organisation", evidence)
        if any(w.casefold() in ORGANISATION_HEADS for w in words) and name_after_body(words) is None:
            return Speaker(phrases.as_written(words), "organisation", "organisation", evidence)
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
        for entity in context.known.newest_first():
            if any(_descriptor_matches(key, role) for role in entity.roles):
                return Speaker(entity.name, entity.kind, "descriptor", evidence)
        # A configured title stands for its holder only once the article has named them: offices
        # change hands, and "the UN human rights chief" is whoever holds the office when the copy is written.
        return Speaker(phrases.as_written(words), "organisation", "descriptor", evidence)

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
            # "it" is one body, not "sources" or "officials" left unnamed
            plural = known is not None and pronoun == "it" and candidates.unnamed_plural(known.name)
            if known is not None and known.kind == "organisation" and not plural:
                return Speaker(known.name, known.kind, "pronoun", evidence)
            return None
        gender = PERSONAL_PRONOUNS[pronoun]

        def fits(entity: RememberedEntity | None) -> bool:
            return entity is not None and entity.kind == "person" and entity.gender in (None, gender)

        first = next(
            (
                m
                for m in context.mentions
                if m.entity.kind == "person" and not phrases.inside(context.quotations, m.start)
            ),
            None,
        )
        opener = context.text.split(maxsplit=1)[0].casefold().strip(",") if context.text.strip() else ""
        if first is not None and first.start < at and opener not in CLAUSE_OPENERS and self._opens_line(context, first):
            subject = context.find_by_name(first.entity.name)
            if fits(subject) and subject is not None:
                return Speaker(subject.name, subject.kind, "pronoun", evidence)
        last = context.memory.last_speaker
        last_entity = context.find_by_name(last) if last else None
        if fits(last_entity) and last_entity is not None:
            return Speaker(last_entity.name, last_entity.kind, "pronoun", evidence)
        for entity in context.known.newest_first():
            if fits(entity):
                return Speaker(entity.name, entity.kind, "pronoun", evidence)
        return None

    @staticmethod
    def _opens_line(context: _LineContext, mention: Mention) -> bool:
        """ "Zelenskyy visited the front, he said": a person named as a subject can be "he"; one named
        as the object of a preposition ("... before flying to the United Arab Emirates, he added") is not."""
        before = re.findall(r"[A-Za-z'-]+", context.text[max(0, mention.start - 60) : mention.start])
        while before and (before[-1][:1].isupper() or before[-1].casefold() in {"the", "a", "an"}):
            before.pop()
        return not before or before[-1].casefold() not in PREPOSITIONS

    def _framed_source(self, context: _LineContext) -> Speaker | None:
        """ "..., with officials saying 90 would be allowed to cross" and "are said by the UN to be
        facing ...": a source framed by a participle or a passive, with no finite verb of its own."""
        text = context.text
        if "with" not in text and " by " not in text:
            return None
        for frame in _FRAMED_SOURCES:
            found = frame.search(text)
            if found is None or (context.quotations and phrases.inside(context.quotations, found.start())):
                continue
            source = phrases.strip_subject(phrases.tokens_in(text, found.span("source")))
            if source:
                return self._resolve_phrase(context, source, found.start("source"), found.group("frame"))
        return None

    def _finding_of(self, context: _LineContext) -> Speaker | None:
        """ "the determination made by the Secretary that both forces committed war crimes": a finding
        held by someone, with its content after "that", is their position whoever reports it."""
        if "that" not in context.text:
            return None
        found = _FINDING_BY.search(context.text)
        if found is None or (context.quotations and phrases.inside(context.quotations, found.start())):
            return None
        holder = phrases.strip_subject(phrases.tokens_in(context.text, found.span("holder")))
        return self._resolve_phrase(context, holder, found.start("holder"), found.group("finding")) if holder else None

    def _continuation(self, context: _LineContext) -> Speaker | None:
        """A line with no attribution of its own that carries the previous line's account on: an opening
        quotation mark, or "This would ...", "The plan will ..." after someone proposed something."""
        previous = context.memory.previous_line_speaker
        tokens = phrases.tokens(phrases.prefix(context.text, 80))
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


def _wordless(token: phrases.Token) -> bool:
    return not any(character.isalpha() for character in token.group())


def _without_trailing_words(phrase: list[phrases.Token]) -> list[phrases.Token]:
    """ "the Korvian Armed Forces late on Sunday": a name ends where its capitals do, unless what
    follows says what kind of body it is ("the Korvian army's press office")."""
    if not any(t.group()[:1].isupper() for t in phrase):
        return phrase
    end = len(phrase)
    while (
        end
        and phrase[end - 1].group()[:1].islower()
        and phrase[end - 1].group().casefold() not in phrases.ROLES_AND_BODIES
    ):
        end -= 1
    return phrase[:end]


def _byline(context: _LineContext) -> Entity | None:
    """The person a line does nothing but name, with a title: "Ambassador Richard Mills", "Robert A.
    Wood | Ambassador", "Michael R. Pompeo, Secretary of State": titles before the name, or a title set
    off after it by a comma or a bar, and nothing else. A reporter's byline ("By ...") or a bare name
    names no speaker, and neither does a headline ("... President, Rebel Chief Reach Cease-Fire Deal")."""
    text = context.text.strip().rstrip(".:")
    people = [m for m in context.mentions if m.entity.kind == "person"]
    if len(people) != 1 or len(_BYLINE_WORD.findall(text)) > 10:
        return None
    name = people[0]
    offset = len(context.text) - len(context.text.lstrip())
    before = _BYLINE_WORD.findall(context.text[offset : name.start])
    after = context.text[name.end :].strip().rstrip(".:")
    if any(w.casefold() not in ROLE_WORDS and w.casefold() not in QUALIFIERS for w in before):
        return None  # "By", a place, a headline's words
    title_after: list[str] = []
    if after:
        if after[0] not in ",|":
            return None
        title_after = _BYLINE_WORD.findall(after[1:])
        if not all(w[:1].isupper() or w.casefold() in _TITLE_LINKS for w in title_after):
            return None
    titled = any(w.casefold() in ROLE_WORDS for w in (*before, *title_after))
    return name.entity if titled else None


def _is_heading(text: str) -> bool:
    """A line that names or dates rather than says: a title, a place, a date ("Permanent Representative
    of Korvia", "New York, New York", "March 3, 2026"), with no sentence's end."""
    stripped = text.strip()
    if not stripped or stripped[-1] in _SENTENCE_CLOSERS:
        return False
    words = _BYLINE_WORD.findall(stripped)
    return len(words) <= 12 and all(w[:1].isupper() or w.casefold() in _TITLE_LINKS for w in words)


_BYLINE_WORD = re.compile(r"[A-Za-z][\w'.-]*")
_TITLE_LINKS = frozenset({"of", "the", "to", "for", "and", "on", "in", "at", "a", "an"})
_SENTENCE_CLOSERS = frozenset(".?!\"'")


def _without_dateline(text: str, directory: Directory) -> str:
    """Blank out a wire dateline ("GENEVA, June 12 - ", "GENEVA: "), keeping offsets. A body's
    acronym before a colon ("ICRC: ...") is a speaker, not a place."""
    match = _DATELINE.match(text)
    if match is None or (match.group("mark") == ":" and directory.lookup(match.group("place").strip())):
        return text
    return " " * match.end() + text[match.end() :]


def _attributed_before(context: _LineContext, position: int) -> bool:
    """Whether a reporting verb outside quotations stands before ``position``: "X said ..., the
    agency reports citing local media" is X's line, not the media's."""
    return any(
        not phrases.inside(context.quotations, verb.start()) for verb in _VERB_RE.finditer(context.text, 0, position)
    )


def _side_of_officials(context: _LineContext, phrase: list[phrases.Token]) -> str | None:
    """The side named in an unnamed official's title, when it is a side: Russia for "Russian officials",
    the US for "a US official", the Tarvo Movement for "a senior Tarvo official" once the article has
    named it. A word nobody has named as a side is left alone ("Ruritanian officials")."""
    for token in phrase[:-1]:
        word = token.group().removesuffix("'s")
        folded = fold(word)
        state = QUALIFIERS.get(folded)
        if state is not None and state != folded:  # a demonym: "Russian", "British"
            configured = context.directory.lookup(state)
            return configured.name if configured else state.upper() if len(state) <= 3 else state.title()
        if state is not None and word[:1].isupper():
            return word
        if not phrases.is_name_word(word) or folded in REGIONAL_ADJECTIVES:
            continue
        if folded in CAPITALS_AND_STATES:
            return word
        body = next(
            (e for e in context.known.newest_first() if e.kind == "organisation" and folded in fold(e.name).split()),
            None,
        )
        if body is not None:
            return body.name
    return None


def _closing_verb(context: _LineContext) -> re.Match[str] | None:
    """A saying verb in the last words of the line, outside any quotation."""
    text = context.text
    last = _CLOSING_RE.search(text, max(0, len(text) - 120))
    if last is None or _VERB_RE.search(text, last.end()) is not None:
        return None
    return None if phrases.inside(context.quotations, last.start()) else last


_FIRST_PERSON = frozenset({"i", "we"})
_UNNAMED_OFFICIALS = frozenset({"official", "officials"})
# "The tribunal said" after "the International Criminal Court": one court, named two ways.
_COURT_HEADS = frozenset({"court", "tribunal", "chamber"})
# "the army said" after "the Korvian Armed Forces": an army is named for its forces as often as not.
# A paramilitary's "Forces" does not make it the army.
_ARMY_NAME_WORDS = frozenset({"army", "armed", "military", "defense", "defence"})
# The words in a body's name that a head other than its own ("the tribunal", "the army") may stand for.
_KIN_NAME_WORDS = {head: _COURT_HEADS for head in _COURT_HEADS} | {
    "army": _ARMY_NAME_WORDS,
    "military": _ARMY_NAME_WORDS,
}
_LOCATIVES = frozenset({"at", "in", "on", "near", "inside"})
# Boundaries that open a subordinate clause: its verb attributes only when the main clause's does not.
_SUBORDINATE = phrases.SUBORDINATORS | {"although", "because", "if"}
_DOCUMENTS = phrases.DOCUMENTS | {"document"}
_GENERIC_BODY_HEADS = _DOCUMENTS | {
    "group",
    "organisation",
    "organization",
    "agency",
    "movement",
    "body",
    "charity",
    "bloc",
}
# A saying verb with at most eight words after it to the end of the line.
_CLOSING_RE = re.compile(
    r"(?<![\w'-])(?:said|says|told|tells|added|adds|stated|wrote|noted|explained)(?![\w-])"
    r"(?=(?:[^A-Za-z]+[A-Za-z]+){0,8}[^A-Za-z]*$)"  # words and gaps alternate, so this cannot backtrack far
)
_QUOTED_AS = re.compile(r"\b(?:quoted|cited) (?!by\b)((?:[\w.'-]+ ){1,8}?)as saying\b")
# "..., the agency reported, citing X" and "The agency, citing X, said".
_CITING = re.compile(
    r"\b(?:reported|reports|said|says|added|wrote),? citing "
    r"|, citing (?=[^,;:\"]{2,80}, (?:said|says|reported|reports|added|wrote)\b)"
)
_FINDING_BY = re.compile(
    r"\b(?P<finding>(?:determination|finding|assessment|conclusion|judge?ment)s?)"
    r" (?:(?:made|reached|issued|announced|published) )?by (?P<holder>[^,.;:\"]{2,80}?) that\b"
)
_QUOTED_BY = re.compile(r"\b(?:was|were) (?:quoted|cited) by [^.;:\"]{1,80}? as saying\b")
_AFTER_QUOTATION_ONLY = frozenset({"continued", "continues", "went on"})
_STATEMENT_BY = re.compile(
    r"^\s*(?:The following )?(?:statement|remarks|message|letter) (?:by|from|of) "
    r"(?P<who>[^:\"]{2,80}?)(?: (?:was|were|is) (?:issued|released|delivered|made)[^:\"]{0,40})?:\s*$"
)
_STATEMENT_AUTHOR = re.compile(
    r"\bstatement (?:(?:was |were )?(?:issued|released|published|signed|sent|posted) )?(?:on behalf of|by|from) "
)
_READING_OUT = frozenset({"read", "reads", "issued", "released", "published", "posted"})
_STATEMENT_QUOTED = re.compile(r'^\W*[Ii]n an? (?:joint |written |separate |brief )?statement(?: [^,"]{1,40})?,\s*"')
_FRAMED_SOURCES = (
    re.compile(
        r"\bwith (?P<source>(?:[\w.'-]+ ){1,6}?)(?P<frame>saying|adding|warning|accusing|insisting|claiming|"
        r"noting|arguing|stressing|urging|calling for|demanding)\b"
    ),
    re.compile(
        r"\b(?:is|are|was|were) (?P<frame>said|reported|believed|estimated|thought) by "
        r"(?P<source>(?:[\w.'-]+ ){1,6}?)to\b"
    ),
)
