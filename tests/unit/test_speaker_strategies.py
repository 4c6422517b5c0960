"""Each way of finding a speaker, on the sentences it is for: which strategy decides, and whom it
finds. The order of ``STRATEGIES`` is part of what is specified: a sentence two strategies could
read goes to the more certain one."""

from __future__ import annotations

import inspect

import pytest

from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.names import Directory
from pipeline.domain.speakers import STRATEGIES
from pipeline.domain.speakers.context import LineContext
from pipeline.domain.speakers.strategies import find_speaker
from pipeline.domain.text import plain

CASES = [
    # (the line, the lines before it in the article, the strategy that decides, the speaker it finds)
    ("Anna Petrova: We will not leave the town.", (), "colon_prefix", "Anna Petrova"),
    ("The Korvian health ministry: Three clinics were hit overnight.", (), "colon_prefix", "Korvian health ministry"),
    (
        "The state news agency quoted the defence ministry as saying the convoy had passed.",
        (),
        "quoted_as_saying",
        "defence ministry",
    ),
    ("Ivan Sorok was quoted by local radio as saying the bridge was down.", (), "quoted_as_saying", "Ivan Sorok"),
    (
        "Two clinics closed on Monday, the state news agency reported, citing the health ministry.",
        (),
        "citing",
        "health ministry",
    ),
    # The army "called for" talks, but the attribution closing the line says who said all of it.
    (
        "The army refused the offer and called for talks, Deputy Mayor Ivan Sorok said.",
        (),
        "closing_attribution",
        "Ivan Sorok",
    ),
    (
        'In a joint statement, "Ruritania and Korvia urged both sides to let the convoy through."',
        (),
        "statement_quoted",
        "Ruritania",
    ),
    (
        "In a statement released by the Korvian Armed Forces late on Sunday, the convoy was declared safe.",
        (),
        "statement_author",
        "Korvian Armed Forces",
    ),
    ("Anna Petrova said the buses would leave at dawn.", (), "reporting_verbs", "Anna Petrova"),
    ('"The buses will leave at dawn," said Anna Petrova.', (), "reporting_verbs", "Anna Petrova"),
    (
        "He said the buses would leave at dawn.",
        ("Ivan Sorok said the town was surrounded.",),
        "reporting_verbs",
        "Ivan Sorok",
    ),
    ("Three towns remain cut off, according to the Red Cross.", (), "reporting_verbs", "ICRC"),
    (
        "Buses began to leave the town, with local officials saying 90 people would be allowed to cross.",
        (),
        "framed_source",
        "local officials",
    ),
    ("Thousands are said by the UN to be facing hunger.", (), "framed_source", "United Nations"),
    (
        "The report rests on the determination made by the Secretary that both forces committed war crimes.",
        (),
        "finding_of",
        "Secretary",
    ),
    (
        '"We will need at least two more convoys."',
        ("Anna Petrova said the first buses had left.",),
        "continuation",
        "Anna Petrova",
    ),
    (
        "This would involve a ceasefire of three days.",
        ("Anna Petrova proposed a corridor for the civilians.",),
        "continuation",
        "Anna Petrova",
    ),
]


def context_of(classifier: LineClassifier, line: str, before: tuple[str, ...]) -> LineContext:
    memory = ArticleMemory()
    for number, earlier in enumerate(before, start=1):
        _, memory = classifier.classify(earlier, number, memory)
    return LineContext.read(plain(line), memory, Directory(classifier.taxonomy, classifier.english))


@pytest.mark.parametrize(("line", "before", "strategy", "speaker"), CASES, ids=[case[2] for case in CASES])
def test_the_strategy_for_a_sentence_decides_it(
    classifier: LineClassifier, line: str, before: tuple[str, ...], strategy: str, speaker: str
) -> None:
    found = find_speaker(context_of(classifier, line, before))
    assert found is not None
    assert (found[0], found[1].name) == (strategy, speaker)


def test_every_strategy_has_a_case_here() -> None:
    assert {case[2] for case in CASES} == set(STRATEGIES)


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_every_strategy_says_what_sentences_it_is_for(name: str) -> None:
    doc = inspect.getdoc(STRATEGIES[name]) or ""
    assert '"' in doc, f"{name}: its docstring should quote the sentences it reads"


@pytest.mark.parametrize(
    ("line", "before"),
    [
        ("The buses left the town at dawn.", ()),
        ("Reuters: the buses left the town at dawn.", ()),  # an agency carrying the story speaks for no one
        ("The first buses left the city on Monday, Reuters reported.", ()),
        ("This would be the third convoy this week.", ()),  # a continuation needs someone to continue
    ],
)
def test_a_line_no_strategy_reads_has_no_speaker(
    classifier: LineClassifier, line: str, before: tuple[str, ...]
) -> None:
    assert find_speaker(context_of(classifier, line, before)) is None


def test_a_strategy_that_finds_nobody_leaves_the_line_to_the_next(classifier: LineClassifier) -> None:
    """The strategies before the reporting verbs each need a frame of their own in the line."""
    context = context_of(classifier, "Anna Petrova said the buses would leave at dawn.", ())
    names = list(STRATEGIES)
    before_verbs = names[: names.index("reporting_verbs")]
    assert [name for name in before_verbs if STRATEGIES[name](context) is not None] == []
