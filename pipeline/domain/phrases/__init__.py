"""Reading the words of a line: tokens and quotations (``tokens``), what kind of word a word is
(``words``), the times and adverbs beside a subject (``adjuncts``), the phrase before or after a verb
(``clauses``), and which words of a phrase are its subject (``subjects``). Pure functions over the
line's text; no memory, no names known. Imports only the rest of the domain."""

from __future__ import annotations

from pipeline.domain.phrases.adjuncts import only_adjuncts, only_adverbials
from pipeline.domain.phrases.clauses import (
    definite_before,
    ends_in_and,
    first_conjunct,
    head_of_list,
    issuer_after,
    name_beside,
    phrase_after,
    phrase_before,
)
from pipeline.domain.phrases.subjects import as_written, name_after_place, strip_subject, trailing_name
from pipeline.domain.phrases.tokens import (
    Token,
    ends_line,
    followed_by_comma,
    inside,
    opening_bracket,
    prefix,
    quotations,
    quote_closes_before,
    text_at,
    tokens,
    tokens_in,
    window_tokens,
)
from pipeline.domain.phrases.words import (
    complement_head,
    is_name_word,
    is_passive,
    is_title_word,
    mentions_role,
    negated,
    only_trailers_between,
    preposition_before,
    role_governs,
)

__all__ = [
    "Token",
    "as_written",
    "complement_head",
    "definite_before",
    "ends_in_and",
    "ends_line",
    "first_conjunct",
    "followed_by_comma",
    "head_of_list",
    "inside",
    "is_name_word",
    "is_passive",
    "is_title_word",
    "issuer_after",
    "mentions_role",
    "name_after_place",
    "name_beside",
    "negated",
    "only_adjuncts",
    "only_adverbials",
    "only_trailers_between",
    "opening_bracket",
    "phrase_after",
    "phrase_before",
    "prefix",
    "preposition_before",
    "quotations",
    "quote_closes_before",
    "role_governs",
    "strip_subject",
    "text_at",
    "tokens",
    "tokens_in",
    "trailing_name",
    "window_tokens",
]
