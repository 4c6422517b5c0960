"""What kind of thing a candidate speaker is, before it is taken as one.

A phrase the speaker rules find in a subject position may be a news agency that
only carries the story, several people left unnamed, a group named by its
acronym, or a body's name as such; these predicates decide, on the words alone.
"""

from __future__ import annotations

from pipeline.domain.lexicon import English
from pipeline.domain.text import fold


def unnamed_plural(english: English, name: str) -> bool:
    """ "sources", "local officials": several people left unnamed, never "it"."""
    words = fold(name).split()
    return (len(words) == 1 or name.islower()) and words[-1] in english.organisation_heads and words[-1].endswith("s")


def named_group(english: English, words: list[str]) -> str | None:
    """ "The Rwanda-backed M23 rebels": a group named by its acronym is that acronym."""
    if len(words) < 2 or words[-1].casefold() not in english.group_references | {"group", "movement", "alliance"}:
        return None
    name = words[-2]
    acronym = len(name) > 1 and name[0].isupper() and (name.isupper() or any(c.isdigit() for c in name))
    return name if acronym and name.isalnum() else None


def is_news_agency(english: English, name: str) -> bool:
    """ "Reuters", any "... News Agency" or "... Press Agency", and an agency named after what it is
    ("the state news agency TASS", "Russian media Interfax"): the carrier, not the speaker."""
    folded = fold(name)
    words = folded.split()
    return (
        folded in english.news_agencies
        or folded.endswith(("news agency", "press agency"))
        or (words[-1] in english.news_agencies and bool(english.carrier_words.intersection(words[:-1])))
    )


def is_body_name(english: English, name: str) -> bool:
    """A body's name as such ("Syrian Observatory", "city council"), not a title left unresolved."""
    words = fold(name).split()
    # "top agency official" is a person left unnamed, not a body
    unnamed_person = words[-1] in english.role_words and words[-1] not in english.organisation_heads
    return name[:1].isupper() or (any(word in english.organisation_heads for word in words) and not unnamed_person)
