"""A partition given back by a rebalance and read again, through an agent's batches and Faust's own
acknowledgement and commit arithmetic (``consumer_model``): what the consumer commits must reach the
partition's end, and every alert must come.

Here the messages reach the agent in an order written out by hand, the one that stalled a group's
commits after a rebalance: the state-machine test in ``test_delivery_against_consumer_model`` tries
orders at random.
"""

from __future__ import annotations

import asyncio

from structlog.testing import capture_logs

from pipeline.domain.classifier import LineClassifier
from pipeline.worker.delivery import LineDelivery
from tests.unit.consumer_model import Kafka, Process
from tests.unit.test_delivery import line


def line_partition() -> list[bytes]:
    """Six lines; offset 1 (Kuleba on war crimes) raises the war_crimes alert."""
    return [event.model_dump_json().encode() for event in (line(6, "b"), *(line(n) for n in range(1, 6)))]


def test_a_copy_of_the_jump_ahead_of_the_seek_does_not_stop_the_commits_or_lose_an_alert(
    classifier: LineClassifier,
) -> None:
    partition = line_partition()
    kafka, loop = Kafka([partition], [len(partition)]), asyncio.new_event_loop()
    worker = Process(kafka, LineDelivery(classifier, 65_536), loop)

    def batch_of(*offsets: int, clock: float) -> None:
        for offset in offsets:
            worker.hand_over(0, offset)
        worker.next_batch(len(offsets), clock)
        worker.deliver()

    try:
        with capture_logs() as logged:
            worker.assign({0})
            batch_of(0, clock=0.0)
            worker.commit()  # the group's committed offset: 1
            worker.revoke({0})
            worker.assign({0})
            # Offset 3 was fetched before the rebalance (faust-streaming #221): a jump, and a seek.
            batch_of(3, clock=1.0)
            # A copy of 3 fetched before the seek arrives after it (once processed as the seek bringing
            # the same jump back, which left 1 and 2 never acknowledged). It moves Faust's read offset
            # past 1 and 2, so Faust drops them when the seek brings them: 3 to 5 wait again.
            batch_of(3, clock=2.0)
            batch_of(*range(kafka.committed[0], len(partition)), clock=3.0)
            # Nothing more arrives; the worker's timer asks for the seek again.
            worker.timer(clock=6.0)
            batch_of(*range(kafka.committed[0], len(partition)), clock=7.0)
            worker.commit()
    finally:
        worker.crash()
        loop.close()
    assert {"partition_jumped", "seek_overdue"} <= {entry["event"] for entry in logged}
    assert worker.seeks == 4  # the two assignments', the first copy's, and the timer's
    alerts = {identity for identity, content in kafka.output if '"type":"news.alert"' in content}
    assert (kafka.committed[0], sorted(set(worker.processed)), len(alerts)) == (6, [(0, n) for n in range(6)], 1)
