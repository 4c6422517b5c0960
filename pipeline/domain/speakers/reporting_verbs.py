"""The strategy most lines are attributed by: the subject of a reporting verb ("said", "called for",
"according to") outside quotations, wherever the sentence puts it: before the verb, after it
('"...," said Zelenskyy'), before an aside ("X, who heads UNRWA, said"), or at the head of the
sentence the verb shares ("X visited the border and called for ...")."""

from __future__ import annotations

import re
from functools import cache

from pipeline.domain import candidates, phrases
from pipeline.domain.lexicon import English
from pipeline.domain.matching import word_start_alternation
from pipeline.domain.speakers.context import SUBJECT_REACH, LineContext
from pipeline.domain.speakers.resolution import resolve_phrase
from pipeline.domain.speakers.speaker import Speaker
from pipeline.domain.text import fold

# What the reporting verbs of one line may read between them, in characters of their windows: a line
# of nothing but "said" must not be read thousands of times over, and a line under 1,000 characters
# (200 verbs at most, each reading at most the line) never comes near it, so a speaker is never lost
# to the bound in a line of copy, however many verbs stand before the one that names it.
_MOST_READ_FOR_VERBS = 262_144

# Frames that name the source after them: "according to X", "the below is attributable to X:".
_SOURCE_FRAMES = ("according to", "According to", "attributable to", "stated by", "As stated by")
_FOLDED_SOURCE_FRAMES = frozenset(frame.casefold() for frame in _SOURCE_FRAMES)


@cache
def verb_pattern(english: English) -> re.Pattern[str]:
    """The reporting verbs and the frames that name a source. Case-sensitive on purpose: "States" in
    "United States" is not a verb."""
    return re.compile(word_start_alternation([*english.reporting_verbs, *_SOURCE_FRAMES], r"\w'-") + r"(?![\w-])")


def reporting_verbs(context: LineContext) -> Speaker | None:
    """ "Guterres said ...", '"...," said the UN chief', "according to the ministry": the subject of
    the first reporting verb outside a quotation that has one; that of a subordinate clause ("after
    Moscow and Kyiv agreed ..., he said") only when the main clause names nobody."""
    english = context.english
    text = context.text
    fallback: Speaker | None = None
    read = 0
    for verb in verb_pattern(english).finditer(text):
        if context.quoted(verb.start()):
            continue  # "what the UN called ..." inside a quotation is not who says it
        if phrases.negated(english, text, verb.start(), verb.end()):
            continue
        window = (max(0, verb.start() - SUBJECT_REACH), min(len(text), verb.end() + 60))
        read += window[1] - window[0]
        if read > _MOST_READ_FOR_VERBS:
            break
        tokens = phrases.window_tokens(english, text, *window)
        before = phrases.phrase_before(english, tokens, verb.start())
        found = _attribute_verb(context, tokens, verb, before)
        if found is None or candidates.is_news_agency(english, found.name):
            continue  # "According to a report by Reuters, Russia said": the agency only carries it
        if before is None or before[1] not in english.subordinate_boundaries:
            return found
        # "..., after Moscow and Kyiv agreed on the corridor, he said": the main clause speaks.
        fallback = fallback or found
    return fallback


def _attribute_verb(
    context: LineContext,
    tokens: list[phrases.Token],
    verb: re.Match[str],
    before: tuple[list[phrases.Token], str] | None,
) -> Speaker | None:
    """The speaker ``verb`` attributes to; ``before`` is the phrase before it and its boundary."""
    english = context.english
    if verb.group().casefold() in _FOLDED_SOURCE_FRAMES:
        return _source_after_frame(context, tokens, verb)
    if before is not None and before[1] == ")" and phrases.only_adjuncts(english, before[0]):
        # "The UN humanitarian office (OCHA) said": the subject stands before the brackets.
        opening = phrases.opening_bracket(tokens, before[0][0].start() if before[0] else verb.start())
        before = phrases.phrase_before(english, tokens, opening) if opening is not None else before
        if before is not None and before[0] and before[0][0].group() == "and":
            return None  # "X (SAF) and Y (RSF) have agreed": two parties, neither the one speaking
    if before is None:
        return None
    phrase, boundary = before
    if boundary == "-" and not phrase:
        return _subject_before_dashes(context, tokens, verb)
    head = phrases.head_of_list(english, tokens, phrase, boundary)
    if head is not None:
        phrase, boundary = head
    if phrase and phrases.is_passive(english, phrase, verb.group()):
        return _agent_after_quotation(context, tokens, verb, phrase)
    if verb.group() in english.after_quotation_only and not (
        phrase and phrases.quote_closes_before(tokens, phrase[0].start())
    ):
        return None  # "Fighting continued" narrates; '"...," Kalnin continued' attributes
    subject = phrases.strip_subject(english, phrase)
    if subject:
        return resolve_phrase(context, subject, verb.start(), verb.group())
    if phrases.only_adverbials(english, phrase):
        phrase = []  # "X, the minister, later said" / "..., last month reported": the subject is further back
    if boundary == '"' or (boundary == "," and phrases.quote_closes_before(tokens, verb.start())):
        return _subject_after_verb(context, tokens, verb)
    if boundary == "," and not phrase:
        return _subject_set_off(context, tokens, verb)
    if phrases.ends_in_and(english, phrase):
        return _line_subject(context, context.opening_tokens, verb.group())
    return None


def _source_after_frame(context: LineContext, tokens: list[phrases.Token], verb: re.Match[str]) -> Speaker | None:
    """ "according to the mayor, Ivan Sorok": the source after the frame, the name beside its title."""
    english = context.english
    after = phrases.issuer_after(english, tokens, verb.end())
    if after and any(t.group().casefold() in english.role_words for t in after):
        after = phrases.name_beside(english, tokens, after[-1]) or after
    return resolve_phrase(context, after, verb.start(), "according to") if after else None


def _subject_before_dashes(context: LineContext, tokens: list[phrases.Token], verb: re.Match[str]) -> Speaker | None:
    """ "The sources - a person briefed on the talks and a diplomat - told Reuters": the subject
    stands before the aside set off by dashes."""
    english = context.english
    dashes = [t.start() for t in tokens if t.end() <= verb.start() and t.group() == "-"]
    aside = phrases.phrase_before(english, tokens, dashes[-2]) if len(dashes) >= 2 else None
    subject = phrases.strip_subject(english, aside[0]) if aside else []
    return resolve_phrase(context, subject, verb.start(), verb.group()) if subject else None


def _agent_after_quotation(
    context: LineContext, tokens: list[phrases.Token], verb: re.Match[str], phrase: list[phrases.Token]
) -> Speaker | None:
    """'"...," I was told by one resident': after a quotation the agent speaks it; otherwise a
    passive narrates ("X was told by officials that ...")."""
    english = context.english
    quoted = phrases.quote_closes_before(tokens, phrase[0].start())
    agent = (
        phrases.phrase_after(english, tokens, verb.end() + 3)
        if quoted and phrases.text_at(tokens, verb.end()) == "by"
        else []
    )
    return resolve_phrase(context, agent, verb.start(), verb.group()) if agent else None


def _subject_after_verb(context: LineContext, tokens: list[phrases.Token], verb: re.Match[str]) -> Speaker | None:
    """'"...," said the UN rights chief, Anna Lind, in a statement': after a quotation the subject
    follows the verb, the name beside the title."""
    english = context.english
    after = phrases.phrase_after(english, tokens, verb.end())
    if after and any(t.group().casefold() in english.role_words for t in after):
        after = phrases.name_beside(english, tokens, after[-1]) or after
    if after:
        return resolve_phrase(context, after, verb.start(), verb.group())
    return None


def _subject_set_off(context: LineContext, tokens: list[phrases.Token], verb: re.Match[str]) -> Speaker | None:
    """A verb just after a comma: the attribution set into the sentence, closing it, or after an
    appositive or a clause that stands between the subject and its verb."""
    english = context.english
    inserted = phrases.phrase_after(english, tokens, verb.end())
    if inserted and phrases.followed_by_comma(tokens, inserted[-1]):
        # "The United States, said Ambassador Power, joins ...": the attribution is set into the sentence.
        # What follows may instead be the reported clause ("X, speaking on Monday, said the army
        # was seeking an immediate, durable truce"): then the subject stands before the aside.
        found = resolve_phrase(context, inserted, verb.start(), verb.group())
        if found is not None:
            return found
    closing = phrases.strip_subject(english, inserted) if verb.group() in {"said", "says"} else []
    if closing and phrases.ends_line(context.text, inserted[-1]):
        # "The shelling has not stopped, said a spokesperson for X.": the attribution closes the line.
        found = resolve_phrase(context, closing, verb.start(), verb.group())
        if found is not None:
            return found
    return _appositive_subject(context, tokens, verb.start(), verb)


def _appositive_subject(
    context: LineContext, tokens: list[phrases.Token], position: int, verb: re.Match[str]
) -> Speaker | None:
    """ "Name, the ROLE, said" and "the ROLE, Name, said": the subject stands between or before commas."""
    english = context.english
    commas = [t.start() for t in tokens if t.end() <= position and t.group() == ","]
    if not commas:
        return None
    inner = phrases.phrase_before(english, tokens, commas[-1])
    if inner is not None and not inner[0] and inner[1] == ")":
        # "Doctors Without Borders (MSF), which works there, said": the name stands before its acronym.
        opening = phrases.opening_bracket(tokens, commas[-1])
        inner = phrases.phrase_before(english, tokens, opening) if opening is not None else None
    if inner is None or not inner[0]:
        return None
    segment, boundary = inner
    opener = segment[0].group()
    interjected = opener[:1].islower() and not phrases.is_title_word(english, opener)
    if boundary in english.clause_words:
        # "X, which did not attend, said": the clause starts at its clause word.
        clause_word = max(
            t.start() for t in tokens if t.end() <= segment[0].start() and t.group().casefold() == boundary
        )
        return _appositive_subject(context, tokens, clause_word, verb)
    if boundary == "," and (interjected or opener.casefold() in english.clause_openers):
        # "X, who heads UNRWA, said" / "X, in his nightly address, said": the subject is before the clause.
        return _appositive_subject(context, tokens, segment[0].start(), verb)
    subject = phrases.strip_subject(english, segment)
    if subject and phrases.is_name_word(english, subject[-1].group()) and not phrases.role_governs(english, segment):
        return resolve_phrase(context, subject, verb.start(), verb.group())
    head = segment[-1].group().casefold()
    if (
        boundary == ""
        and subject
        and (head in english.role_words or head in english.organisation_heads or phrases.role_governs(english, segment))
    ):
        # "The official, who spoke on condition of anonymity, said": the descriptor opens the sentence;
        # so does a body with a complement ("The Centre for Reconciliation in Syria, part of ..., said").
        return resolve_phrase(context, subject, verb.start(), verb.group())
    if boundary != "," or not (
        head in english.role_words or head in english.organisation_heads or phrases.mentions_role(english, segment)
    ):
        return None
    return _named_before_title(context, tokens, segment, head, verb)


def _named_before_title(
    context: LineContext, tokens: list[phrases.Token], segment: list[phrases.Token], head: str, verb: re.Match[str]
) -> Speaker | None:
    """ "Ivan Sorok, the mayor, said": the name before the title set off by commas; "Korvia, the
    host government, said" is the body."""
    english = context.english
    comma_before = max(t.start() for t in tokens if t.end() <= segment[0].start() and t.group() == ",")
    outer = phrases.phrase_before(english, tokens, comma_before)
    if outer is None or not outer[0]:
        return None
    named = phrases.strip_subject(english, outer[0])
    if not named:
        return None
    found = resolve_phrase(context, named, verb.start(), verb.group())
    if found is not None and found.method == "named" and head in english.organisation_heads and len(named) == 1:
        return Speaker(found.name, "organisation", "organisation", found.evidence)
    return found


def _line_subject(context: LineContext, tokens: list[phrases.Token], cue: str) -> Speaker | None:
    """ "X visited the border and called for ...": the verb shares the sentence's subject."""
    english = context.english
    opener = next((t for t in tokens if t.group()[:1].isalpha()), None)
    if opener is None or opener.group().casefold() in english.clause_openers:
        return None
    opening_end = next(
        (t.start() for t in tokens if t.group()[:1].islower() and not phrases.is_title_word(english, t.group())),
        len(context.text),
    )
    opening = [m for m in context.mentions if m.start < opening_end]
    if not opening:
        return _opening_name(context, tokens, cue)
    first = opening[0]
    # "Russia's UN ambassador, Vitaly Churkin, took the floor and announced": the person the
    # opening phrase ends in, not the bodies in its titles.
    people = [m for m in opening if m.entity.kind == "person"]
    if people and first.entity.kind != "person":
        first = people[-1]
    titles = [t.group() for t in tokens if t.end() <= first.start and t.group()[:1].isalpha()]
    if all(w[:1].isupper() or phrases.is_title_word(english, w) or w.endswith("'s") for w in titles):
        entity = context.remember(first.entity)
        method = "named" if entity.kind == "person" else "organisation"
        return Speaker(entity.name, entity.kind, method, f"{first.entity.name} ... {cue}")
    return None


def _opening_name(context: LineContext, tokens: list[phrases.Token], cue: str) -> Speaker | None:
    """ "Israel defended the move and said ...": the capitalised words that open the line."""
    english = context.english
    opening: list[phrases.Token] = []
    for token in tokens:
        if not phrases.is_name_word(english, token.group()):
            break
        opening.append(token)
    if not opening or len(opening) > 5:
        return None
    if len(opening) == 1 and not (
        opening[0].group().isupper() or fold(opening[0].group()) in english.capitals_and_states
    ):
        return None  # "Let me begin ..." opens with a verb; "Israel" and "UNICEF" name a state and a body
    return resolve_phrase(context, opening, opening[0].start(), cue)
