"""Strategies for attributions framed by more than a verb: an outlet quoting or citing its source, an
attribution closing the line, a statement and its author, a source set in a participle or a passive,
a finding held by someone, and a "Name:" prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.domain import phrases
from pipeline.domain.lexicon import English
from pipeline.domain.matching import literal_alternation
from pipeline.domain.speakers.context import LineContext
from pipeline.domain.speakers.reporting_verbs import verb_pattern
from pipeline.domain.speakers.resolution import resolve_phrase
from pipeline.domain.speakers.speaker import Speaker

_COLON_PREFIX = re.compile(r"^\s*([A-Z][^:\"]{1,60}?):\s+\S")


@cache
def _closing_pattern(english: English) -> re.Pattern[str]:
    """A saying verb with at most eight words after it to the end of the line."""
    return re.compile(
        rf"(?<![\w'-])(?:{literal_alternation(english.closing_verbs)})(?![\w-])"
        r"(?=(?:[^A-Za-z]+[A-Za-z]+){0,8}[^A-Za-z]*$)"  # words and gaps alternate, so this cannot backtrack far
    )


@dataclass(frozen=True)
class _Frames:
    """The patterns of framed attributions, built from the word lists once per ``English``."""

    quoted_as: re.Pattern[str]
    quoted_by: re.Pattern[str]
    citing: re.Pattern[str]
    statement_quoted: re.Pattern[str]
    statement_author: re.Pattern[str]
    framed_sources: tuple[re.Pattern[str], ...]
    finding_by: re.Pattern[str]


@cache
def _frames(english: English) -> _Frames:
    quoting, citing = literal_alternation(english.quoting_verbs), literal_alternation(english.citing_verbs)
    return _Frames(
        quoted_as=re.compile(rf"\b(?:{quoting}) (?!by\b)((?:[\w.'-]+ ){{1,8}}?)as saying\b"),
        quoted_by=re.compile(rf"\b(?:was|were) (?:{quoting}) by [^.;:\"]{{1,80}}? as saying\b"),
        # "..., the agency reported, citing X" and "The agency, citing X, said".
        citing=re.compile(rf"\b(?:{citing}),? citing |, citing (?=[^,;:\"]{{2,80}}, (?:{citing})\b)"),
        statement_quoted=re.compile(
            rf'^\W*[Ii]n an? (?:(?:{literal_alternation(english.statement_kinds)}) )?statement(?: [^,"]{{1,40}})?,\s*"'
        ),
        statement_author=re.compile(
            rf"\bstatement (?:(?:was |were )?(?:{literal_alternation(english.statement_release_verbs)}) )?"
            r"(?:on behalf of|by|from) "
        ),
        framed_sources=(
            re.compile(
                r"\bwith (?P<source>(?:[\w.'-]+ ){1,6}?)"
                rf"(?P<frame>{literal_alternation(english.framing_participles)})\b"
            ),
            re.compile(
                rf"\b(?:is|are|was|were) (?P<frame>{literal_alternation(english.reported_passives)}) by "
                r"(?P<source>(?:[\w.'-]+ ){1,6}?)to\b"
            ),
        ),
        finding_by=re.compile(
            rf"\b(?P<finding>(?:{literal_alternation(english.finding_nouns)})s?)"
            rf" (?:(?:{literal_alternation(english.finding_verbs)}) )?by (?P<holder>[^,.;:\"]{{2,80}}?) that\b"
        ),
    )


def colon_prefix(context: LineContext) -> Speaker | None:
    """ "Zelenskyy: We will not give up."""
    english = context.english
    colon = _COLON_PREFIX.match(context.text)
    if colon is None or len(colon.group(1).split()) > 6:
        return None
    return resolve_phrase(context, phrases.tokens(english, colon.group(1)), 0, "colon")


def quoted_as_saying(context: LineContext) -> Speaker | None:
    """ "the agency quoted the defence ministry as saying" and "X was quoted by the agency as
    saying": the one quoted speaks, not the outlet that carried it."""
    english = context.english
    text = context.text
    if "quoted" not in text and "cited" not in text:
        return None
    quoted_as = _frames(english).quoted_as.search(text)
    if quoted_as is not None:
        quoted = phrases.strip_subject(english, phrases.tokens_in(english, text, quoted_as.span(1)))
        return resolve_phrase(context, quoted, 0, "quoted") if quoted else None
    quoted_by = _frames(english).quoted_by.search(text)
    if quoted_by is None:
        return None
    before = phrases.phrase_before(english, phrases.tokens(english, text[: quoted_by.start()]), quoted_by.start())
    subject = phrases.strip_subject(english, before[0]) if before else []
    return resolve_phrase(context, subject, quoted_by.start(), quoted_by.group()) if subject else None


def citing(context: LineContext) -> Speaker | None:
    """ "..., the state news agency reported, citing the defence ministry.": the source the outlet
    cites is the speaker, when it is one ("citing satellite imagery" names nobody)."""
    english = context.english
    if "citing" not in context.text:
        return None
    cited_at = _frames(english).citing.search(context.text)
    if cited_at is None or _attributed_before(context, cited_at.start()):
        return None
    cited = phrases.strip_subject(
        english, phrases.phrase_after(english, phrases.tokens(english, context.text), cited_at.end())
    )
    return resolve_phrase(context, cited, cited_at.start(), "citing") if cited else None


def _attributed_before(context: LineContext, position: int) -> bool:
    """Whether a reporting verb outside quotations stands before ``position``: "X said ..., the
    agency reports citing local media" is X's line, not the media's."""
    english = context.english
    return any(not context.quoted(verb.start()) for verb in verb_pattern(english).finditer(context.text, 0, position))


def closing_attribution(context: LineContext) -> Speaker | None:
    """ "Lisk turned down the offer, Deputy Prime Minister X said.": an attribution closing the line
    after a comma names who said all of it, whatever verbs the reported clause has."""
    english = context.english
    verb = _closing_verb(context)
    if verb is None or not verb_pattern(english).search(context.text, 0, verb.start()):
        return None
    tokens = phrases.tokens_in(english, context.text, (max(0, verb.start() - 200), verb.end()))
    before = phrases.phrase_before(english, tokens, verb.start())
    if before is None or before[1] != "," or not before[0]:
        return None
    subject = phrases.strip_subject(english, before[0])
    return resolve_phrase(context, subject, verb.start(), verb.group()) if subject else None


def _closing_verb(context: LineContext) -> re.Match[str] | None:
    """A saying verb in the last words of the line, outside any quotation."""
    english = context.english
    text = context.text
    last = _closing_pattern(english).search(text, max(0, len(text) - 120))
    if last is None or verb_pattern(english).search(text, last.end()) is not None:
        return None
    return None if context.quoted(last.start()) else last


def statement_quoted(context: LineContext) -> Speaker | None:
    """'In a joint statement, "Ruritania and Korvia urged both parties ..."': the statement is
    quoted from its own first words, and the subject of its verb is who issued it."""
    english = context.english
    opening = _frames(english).statement_quoted.match(context.text)
    if opening is None:
        return None
    verb = verb_pattern(english).search(context.text, opening.end())
    if verb is None or verb.start() - opening.end() > 120:
        return None
    subject = phrases.strip_subject(english, phrases.tokens_in(english, context.text, (opening.end(), verb.start())))
    return resolve_phrase(context, subject, verb.start(), verb.group()) if subject else None


def statement_author(context: LineContext) -> Speaker | None:
    """ "In a statement released by the army, ..." and "a spokesman read a statement on behalf of
    the army": the statement speaks for its author, never for the one who reads it out. A statement
    after someone's own words ("X said in a statement by ...") leaves them to be the speaker, and
    one talked about mid-sentence is not what the line is."""
    english = context.english
    named = _frames(english).statement_author.search(context.text)
    if named is None or context.quoted(named.start()):
        return None
    earlier = verb_pattern(english).search(context.text, 0, named.start())
    if earlier is None:
        if len(context.text[: named.start()].split()) > 4:
            return None  # "... because of the statement by the minister": a statement talked about
    elif earlier.group().casefold() not in english.statement_issuing_verbs:
        return None
    following = context.text[named.end() :].split(None, 1)
    if not following or following[0].casefold() in english.possessive_pronouns:
        return None  # "a statement from their headquarters": where it came from, not who wrote it
    author = phrases.strip_subject(
        english,
        _without_trailing_words(
            english, phrases.phrase_after(english, phrases.tokens(english, context.text), named.end())
        ),
    )
    return resolve_phrase(context, author, named.start(), named.group().strip()) if author else None


def _without_trailing_words(english: English, phrase: list[phrases.Token]) -> list[phrases.Token]:
    """ "the Korvian Armed Forces late on Sunday": a name ends where its capitals do, unless what
    follows says what kind of body it is ("the Korvian army's press office")."""
    if not any(t.group()[:1].isupper() for t in phrase):
        return phrase
    end = len(phrase)
    while (
        end
        and phrase[end - 1].group()[:1].islower()
        and phrase[end - 1].group().casefold() not in english.roles_and_bodies
    ):
        end -= 1
    return phrase[:end]


def framed_source(context: LineContext) -> Speaker | None:
    """ "..., with officials saying 90 would be allowed to cross" and "are said by the UN to be
    facing ...": a source framed by a participle or a passive, with no finite verb of its own."""
    english = context.english
    text = context.text
    if "with" not in text and " by " not in text:
        return None
    for frame in _frames(english).framed_sources:
        found = frame.search(text)
        if found is None or context.quoted(found.start()):
            continue
        source = phrases.strip_subject(english, phrases.tokens_in(english, text, found.span("source")))
        if source:
            return resolve_phrase(context, source, found.start("source"), found.group("frame"))
    return None


def finding_of(context: LineContext) -> Speaker | None:
    """ "the determination made by the Secretary that both forces committed war crimes": a finding
    held by someone, with its content after "that", is their position whoever reports it."""
    english = context.english
    if "that" not in context.text:
        return None
    found = _frames(english).finding_by.search(context.text)
    if found is None or context.quoted(found.start()):
        return None
    holder = phrases.strip_subject(english, phrases.tokens_in(english, context.text, found.span("holder")))
    return resolve_phrase(context, holder, found.start("holder"), found.group("finding")) if holder else None
