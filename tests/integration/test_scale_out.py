"""Two workers share the partitions; one leaves, another joins: nothing lost, coreference intact.

Runs scripts/chaos.py, scaled down, with three worker processes over the drill's lifetime (two at
the start, one stopped at 30%, a new one started at 50%). The drill holds the input after the join
back until the new worker has its partitions, and its last part until that worker has taken a line,
so the new worker has lines to take however long it takes to join.
"""

from __future__ import annotations

import pytest

from tests.integration.test_crash_recovery import assert_nothing_lost, drill

pytestmark = pytest.mark.integration


def test_workers_split_the_articles_and_hand_them_over_when_one_leaves_or_joins(kafka_broker: str) -> None:
    counts = drill(
        kafka_broker,
        *("--rate", "300", "--workers", "2", "--kill-at", "0", "--restart-broker-at", "0"),
        *("--leave-at", "0.3", "--join-at", "0.5"),
    )
    # Every line classified once as far as its consumers can tell (repeats carry the same ids),
    # every speaker as in an uninterrupted run: memory moved with the articles.
    assert_nothing_lost(counts)
    lines_by_worker: list[int] = counts["lines_by_worker"]  # type: ignore[assignment]
    assert len(lines_by_worker) == 3, counts
    assert all(lines > 0 for lines in lines_by_worker), counts  # both first workers, and the one that joined
    assert counts["articles_moved"], counts  # articles changed hands, their memory with them
