"""The ways of finding a line's speaker, in the order they are tried: the most certain first. The
first that finds someone who is not a news agency carrying the story names the speaker.

To add a way, write it as a function of the line's context returning a ``Speaker`` or ``None``, with
the sentences it is for in its docstring, and put it in ``STRATEGIES`` where its certainty ranks it.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.domain import candidates, phrases
from pipeline.domain.speakers.context import LineContext
from pipeline.domain.speakers.framed import (
    citing,
    closing_attribution,
    colon_prefix,
    finding_of,
    framed_source,
    quoted_as_saying,
    statement_author,
    statement_quoted,
)
from pipeline.domain.speakers.reporting_verbs import reporting_verbs
from pipeline.domain.speakers.speaker import Speaker

Strategy = Callable[[LineContext], Speaker | None]


def continuation(context: LineContext) -> Speaker | None:
    """A line with no attribution of its own that carries the previous line's account on: an opening
    quotation mark, or "This would ...", "The plan will ..." after someone proposed something."""
    english = context.english
    previous = context.memory.previous_line_speaker
    tokens = phrases.tokens(english, phrases.prefix(context.text, 80))
    if previous is None or not tokens:
        return None
    known = context.find_by_name(previous)
    kind = known.kind if known else "person"
    words = [t.group().casefold() for t in tokens if t.group()[:1].isalpha()]
    if tokens[0].group() == '"':
        return Speaker(previous, kind, "continuation", "quotation continuing the previous line")
    opens_continuation = len(words) >= 2 and words[0] in english.continuation_openers
    if opens_continuation and (
        words[1] in english.continuation_modals
        or (len(words) >= 3 and words[1] in english.continuation_subjects and words[2] in english.continuation_modals)
    ):
        return Speaker(previous, kind, "continuation", " ".join(words[:3]))
    return None


STRATEGIES: dict[str, Strategy] = {
    "colon_prefix": colon_prefix,  # "Zelenskyy: We will not give up."
    "quoted_as_saying": quoted_as_saying,  # "the agency quoted the ministry as saying"
    "citing": citing,  # "..., the agency reported, citing the ministry."
    "closing_attribution": closing_attribution,  # "..., Deputy Prime Minister X said."
    "statement_quoted": statement_quoted,  # 'In a joint statement, "X and Y urged ..."'
    "statement_author": statement_author,  # "In a statement released by the army, ..."
    "reporting_verbs": reporting_verbs,  # "X said", '"...," said X', "according to X"
    "framed_source": framed_source,  # "..., with officials saying ...", "are said by the UN to"
    "finding_of": finding_of,  # "the determination by the Secretary that ..."
    "continuation": continuation,  # '"...' or "This would ..." after the previous line's speaker
}
"""Every way of finding a speaker in a line of its own, by name, in the order they are tried."""


def find_speaker(context: LineContext) -> tuple[str, Speaker] | None:
    """The first strategy that finds a speaker, by name, and the speaker it found."""
    english = context.english
    for name, strategy in STRATEGIES.items():
        found = strategy(context)
        if found is not None and not candidates.is_news_agency(english, found.name):
            return name, found
    return None
