"""The consumer's lag for the metrics, measured by a timer whose error would crash the worker: a
partition not fetched since it was assigned, or revoked while it is measured, is left out."""

from __future__ import annotations

from typing import Any

from faust.types import TP

from pipeline.app import consumer_lag

LINES = [TP("lines", n) for n in range(4)]


class Consumer:
    def __init__(self) -> None:
        self._committed_offset: dict[TP, int | None] = {LINES[0]: 40, LINES[1]: None, LINES[2]: 7}
        self.ends: dict[TP, int | None] = {LINES[0]: 50, LINES[1]: 12, LINES[2]: None}

    def assignment(self) -> set[TP]:
        return {*LINES, TP("classified", 0)}

    def highwater(self, tp: TP) -> int | None:
        assert tp in self.ends, "Partition is not assigned"  # as aiokafka's, for one revoked meanwhile
        return self.ends[tp]


def test_each_input_partitions_lag_from_its_commit_or_where_its_log_starts() -> None:
    consumer: Any = Consumer()
    lags = consumer_lag(consumer, {"lines"}, {LINES[1]: 2})
    # 0: 50 - 40; 1: nothing committed, from its log start; 2: not fetched yet; 3: revoked meanwhile
    assert lags == {("lines", 0): 10, ("lines", 1): 10}
