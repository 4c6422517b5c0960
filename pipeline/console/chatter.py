"""What the Kafka client logs about conditions the pipeline handles itself, kept off a reader's screen.

aiokafka logs a topic the broker does not know yet as an error although every command waits for
its topics, and a produce it will retry, or a node it cannot reach during an outage, each time it
happens: ingest during a node's outage printed 147 such lines and then succeeded. These are debug
records. A broker that stays unreachable is still said: the first such record, and one a minute
after it, stay warnings (the command's own error says when it gives up).

A consumer asking where a partition begins or ends just after its topic was created, or while its
leader moves, is told that the node it asked leads it no longer (or not yet): the broker publishes a
new leader in its metadata a moment before that node takes the lead. The client asks again; it logs
an error each time. Only those answers are lowered: a refusal of that request stays as it was logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiokafka.errors import LeaderNotAvailableError, NotLeaderForPartitionError

HANDLED = frozenset(
    {
        # A topic not created yet, or just created: every command waits for its topics.
        ("aiokafka.cluster", "Topic %s not found in cluster metadata"),
        ("aiokafka.cluster", "Topic %s is not available during auto-create initialization"),
        # A produce that fails for good fails the send, and the command says so.
        ("aiokafka.producer.sender", "Got error produce response on topic-partition %s, retrying. Error: %s"),
        ("aiokafka.producer.sender", "Got error produce response: %s"),
        # A rebalance: the group protocol's normal course.
        ("aiokafka.consumer.group_coordinator", "Heartbeat failed for group %s because it is rebalancing"),
    }
)
"""(logger, message template) of records that are debug whatever level they were logged at"""

UNTIL_IT_LASTS = frozenset(
    {
        ("aiokafka", 'Unable connect to "%s:%s": %s'),
        ("aiokafka", "Unable connect to node with id %s: %s"),
        ("aiokafka", "Unable to update metadata from %s"),
        ("aiokafka", 'Unable to request metadata from "%s:%s": %s'),
        ("aiokafka", "Unable to request metadata from node with id %s: %r"),
        ("aiokafka.consumer.fetcher", "Failed fetch messages from %s: %s"),
    }
)
"""(logger, message template) of records about a node out of reach, retried by the client"""

LEADERSHIP_MOVING = {
    ("aiokafka.consumer.fetcher", "Failed fetch offsets from %s: %s"): (
        NotLeaderForPartitionError,
        LeaderNotAvailableError,
    ),
}
"""(logger, message template) of records about a request the client retries, with the errors that
make one of them debug: the error is the record's last argument"""

SAID_AGAIN_AFTER_S = 60.0


class LibraryChatter(logging.Filter):
    """Lowers the records above to debug, letting one of the second kind through as a warning a minute."""

    def __init__(self, debug: bool, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._debug = debug
        self._clock = clock
        self._said_at: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        known = (record.name, record.msg)
        if known in HANDLED:
            return self._lowered(record)
        moving = LEADERSHIP_MOVING.get(known)
        if moving and isinstance(record.args, tuple) and record.args and isinstance(record.args[-1], moving):
            return self._lowered(record)
        if known in UNTIL_IT_LASTS:
            now = self._clock()
            if self._said_at is None or now - self._said_at >= SAID_AGAIN_AFTER_S:
                self._said_at = now
                record.levelno, record.levelname = logging.WARNING, "WARNING"
                return True
            return self._lowered(record)
        return True

    def _lowered(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return self._debug
