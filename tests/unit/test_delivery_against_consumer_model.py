"""The agents' delivery driven through a model of the consumer (``consumer_model``) by random
interleavings of what Kafka and Faust do: fetches, hand-overs, batches, acknowledgements, commits,
rebalances and crashes. After every step:

- the committed offset never passes a message whose effects are not in the output;
- everything in the output is what an uninterrupted run gives, with the same ids (repeats allowed,
  changes never), and an article's lines come out in order;

and once the input stops and no crash is pending, the committed offsets reach the end of every
partition and every message's effects are in the output.

Runs are seeded: a failure prints the steps that led to it, and ``DELIVERY_MODEL_SEED`` picks
other runs (``DELIVERY_MODEL_RUNS`` how many).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test, invariant, rule
from structlog.testing import capture_logs

from pipeline.config.lexicon_file import load_english
from pipeline.config.taxonomy_file import load_taxonomy
from pipeline.domain.classifier import LineClassifier
from pipeline.worker.delivery import LineDelivery
from tests.unit.consumer_model import TOPIC, Agent, Effect, Kafka, Process, effects_of
from tests.unit.test_delivery import NOW, State, line, message

PARTITIONS = 2
SEED = int(os.environ.get("DELIVERY_MODEL_SEED", "20261207"))
RUNS = int(os.environ.get("DELIVERY_MODEL_RUNS", "2000"))
RUNS_THAT_SOUGHT: Counter[str] = Counter()
"""runs in which a batch asked for a seek, by agent: the runs must reach the protocol's hard part"""


def line_input() -> list[list[bytes]]:
    """Two articles interleaved in one partition, one with a malformed message in the other: lines
    whose speakers ("He said ...") depend on the lines before them."""
    first = [line(n, article).model_dump_json().encode() for n in (1, 2, 3) for article in ("a", "b")]
    second = [line(n, "c").model_dump_json().encode() for n in (1, 2)] + [b"{not json"]
    second += [line(n, "c").model_dump_json().encode() for n in (3, 4, 5)]
    return [first, second]


def reference(agent: Agent, partitions: list[list[bytes]]) -> dict[tuple[int, int], list[Effect]]:
    """Each message's effects in an uninterrupted run: one message a batch, in offset order."""
    state, effects = State(), {}
    for partition, values in enumerate(partitions):
        for offset, value in enumerate(values):
            batch = state.apply(agent.process([message(offset, value, partition, TOPIC)], state, NOW, 0.0))
            effects[partition, offset] = effects_of(batch)
    return effects


class DeliveryMachine(RuleBasedStateMachine):
    """One agent's input through the consumer model; a crash starts a new process."""

    make_agent: Callable[[], Agent]
    partitions: list[list[bytes]]
    expected: dict[tuple[int, int], list[Effect]]
    """each message's effects in an uninterrupted run"""
    content: dict[str, str]
    """identity -> content of every effect"""

    def __init__(self) -> None:
        super().__init__()
        self.kafka = Kafka(self.partitions, [len(values) // 2 for values in self.partitions])
        self.loop = asyncio.new_event_loop()
        self.clock = 0.0
        self.seeks = 0
        """batches that asked for a seek"""
        self.process = self.started()

    def started(self, log_starts_told: bool = True) -> Process:
        process = Process(self.kafka, self.make_agent(), self.loop)
        process.assign(set(range(PARTITIONS)), log_starts_told)
        return process

    @rule(partition=st.integers(0, PARTITIONS - 1), count=st.integers(1, 4))
    def publish(self, partition: int, count: int) -> None:
        published = self.kafka.published
        published[partition] = min(published[partition] + count, len(self.partitions[partition]))

    @rule(partition=st.integers(0, PARTITIONS - 1), count=st.integers(1, 4))
    def fetch(self, partition: int, count: int) -> None:
        self.process.fetch(partition, count)

    @rule(count=st.integers(1, 6))
    def drain(self, count: int) -> None:
        self.process.poll()
        self.process.drain(count)

    @rule(partition=st.integers(0, PARTITIONS - 1), data=st.data())
    def stale(self, partition: int, data: st.DataObject) -> None:
        """A record of a fetch made before the last seek or rebalance reaches the stream after it."""
        # Offsets at or after the commit: those before it Faust's read offset mostly drops.
        fetched, committed = self.process.fetched_up_to.get(partition, 0), self.kafka.committed.get(partition, 0)
        if committed < fetched and partition in self.process.assigned:
            self.process.hand_over(partition, data.draw(st.integers(committed, fetched - 1), label="offset"))

    @rule(count=st.integers(1, 8), seconds=st.sampled_from([0.0, 1.0, 6.0]))
    def next_batch(self, count: int, seconds: float) -> None:
        self.clock += seconds
        self.seeks += bool(self.process.next_batch(count, self.clock).jumps)

    @rule(seconds=st.sampled_from([1.0, 6.0]))
    def tick(self, seconds: float) -> None:
        self.clock += seconds
        self.process.timer(self.clock)

    @rule()
    def deliver(self) -> None:
        self.process.deliver()

    @rule()
    def commit(self) -> None:
        self.process.commit()

    @rule(data=st.data())
    def rebalance(self, data: st.DataObject) -> None:
        """Some partitions revoked, then all assigned to this process again."""
        revoked = data.draw(st.sets(st.integers(0, PARTITIONS - 1), min_size=1), label="revoked")
        self.process.revoke(revoked)
        self.process.assign(set(range(PARTITIONS)), data.draw(st.booleans(), label="broker told the log starts"))

    @rule(data=st.data())
    def crash(self, data: st.DataObject) -> None:
        """The process dies with a batch on its way: Kafka has any part of it its sends allow."""
        # Everything drawn before the crash: a run Hypothesis ends part-way through its draws (too
        # many choices) must not leave a crashed process for the teardown's checks.
        in_flight = self.process.in_flight
        if in_flight is not None:
            first, *second = in_flight.steps
            landed = {entry for entry in first if data.draw(st.booleans(), label=f"{entry} landed")}
            if second and landed == set(first):  # the second step is sent once Kafka has the first
                landed |= {entry for entry in second[0] if data.draw(st.booleans(), label=f"{entry} landed")}
            events = [e for e in in_flight.effects if data.draw(st.booleans(), label=f"{e[0]} landed")]
        log_starts_told = data.draw(st.booleans(), label="broker told the log starts")
        self.process.crash()
        if in_flight is not None:
            self.process.land(in_flight, landed, events)
        self.process = self.started(log_starts_told)

    @invariant()
    def commits_never_pass_a_message_whose_effects_are_missing(self) -> None:
        output = set(self.kafka.output)
        for partition, committed in self.kafka.committed.items():
            for offset in range(committed):
                missing = [e for e in self.expected[partition, offset] if e not in output]
                assert not missing, f"committed {committed} in partition {partition}, but {offset} lacks {missing}"

    @invariant()
    def the_output_is_what_an_uninterrupted_run_gives(self) -> None:
        for identity, content in self.kafka.output:
            assert self.content.get(identity) == content, f"{identity}: {content} is not {self.content.get(identity)}"
        first_seen: dict[str, list[int]] = {}
        for _, content in dict.fromkeys(self.kafka.output):
            event = json.loads(content) if content.startswith("{") else {}
            if event.get("type") == "news.line.classified":  # a line's alerts follow the batch's lines
                first_seen.setdefault(event["article_id"], []).append(event["line_no"])
        for article, line_numbers in first_seen.items():
            assert line_numbers == sorted(line_numbers), f"article {article}'s lines out of order: {line_numbers}"

    def teardown(self) -> None:
        RUNS_THAT_SOUGHT[type(self).__name__] += bool(self.seeks)
        try:
            self.input_stops_and_everything_is_committed()
        finally:
            self.process.crash()
            self.loop.close()

    def input_stops_and_everything_is_committed(self) -> None:
        self.kafka.published = [len(values) for values in self.partitions]
        ends = {partition: len(values) for partition, values in enumerate(self.partitions)}
        for _ in range(20):
            if {p: self.kafka.committed.get(p, 0) for p in ends} == ends:
                break
            self.clock += 6.0  # long enough for the worker to ask again for a seek it waits on
            self.process.timer(self.clock)
            for partition in range(PARTITIONS):
                self.process.fetch(partition, 1_000)
            self.process.poll()
            self.process.drain(1_000)
            self.process.next_batch(1_000, self.clock)
            self.process.deliver()
            self.process.commit()
        assert {p: self.kafka.committed.get(p, 0) for p in ends} == ends, "the commits stopped short of the end"
        output = set(self.kafka.output)
        assert all(e in output for effects in self.expected.values() for e in effects)


CLASSIFIER = LineClassifier(load_taxonomy(), load_english())


AGENTS: dict[str, tuple[Callable[[], Agent], Callable[[], list[list[bytes]]]]] = {
    "classify_lines": (lambda: LineDelivery(CLASSIFIER, 65_536), line_input),
}


@pytest.mark.parametrize("agent", AGENTS)
def test_delivery_keeps_its_guarantees_in_any_interleaving(agent: str) -> None:
    make_agent, partitions = AGENTS[agent]
    messages = partitions()
    expected = reference(make_agent(), messages)
    content = {identity: content for effects in expected.values() for identity, content in effects}
    machine = type(
        agent,
        (DeliveryMachine,),
        {"make_agent": staticmethod(make_agent), "partitions": messages, "expected": expected, "content": content},
    )
    checks = get_state_machine_test(
        machine,
        settings=settings(
            max_examples=RUNS,
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    with capture_logs():  # a crash cancels the sends on their way, which the worker logs
        seed(SEED)(checks)()
    assert RUNS_THAT_SOUGHT[agent] >= RUNS // 20, f"only {RUNS_THAT_SOUGHT[agent]} of {RUNS} runs reached a seek"
