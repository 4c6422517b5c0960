"""Every rule case in evaluation/cases holds: each sentence gets the speaker, topics and alerts its case
file expects, read after the earlier lines of its article. A case marked known_miss fails, as the
classifier is known to fail it; once a rule puts it right it passes, and this test fails until its
known_miss is taken out. A failure names the case's file and line."""

from __future__ import annotations

import pytest

from pipeline.domain.classifier import LineClassifier
from pipeline.evaluation.cases import RuleCase, check, load_cases
from tests.conftest import REPO

CASES = REPO / "evaluation" / "cases"


def _param(case: RuleCase) -> object:
    known_miss = [pytest.mark.xfail(strict=True, reason=case.case.known_miss)] if case.case.known_miss else []
    return pytest.param(case, id=f"{case.path.name}:{case.line_no}", marks=known_miss)


@pytest.mark.parametrize("case", [_param(case) for case in load_cases(CASES)])
def test_the_classifier_says_what_the_case_expects(classifier: LineClassifier, case: RuleCase) -> None:
    problems = check(case.case, classifier)
    if problems:
        where = f"{case.path.relative_to(REPO)}:{case.line_no}"
        pytest.fail("\n".join(f"{where}: {problem}" for problem in problems), pytrace=False)
