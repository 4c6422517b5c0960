"""Waiting out a broker that is down, restarting or failing over, up to a deadline: every command
and service that starts while the broker does. A broker that refuses this client (see ``access``)
ends the wait at once, since waiting would not change its answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError

from pipeline.broker.access import raise_if_refused
from pipeline.config.settings import Settings

__all__ = ["BrokerUnreachable"]

log = structlog.get_logger("pipeline.broker")
T = TypeVar("T")


class BrokerUnreachable(RuntimeError):
    """The broker did not answer, or did not take what was sent, within the time allowed."""


def worth_waiting(error: BaseException) -> bool:
    """A broker down, restarting or failing over: a node not ready, no leader yet, too few replicas."""
    if isinstance(error, KafkaConnectionError | KafkaTimeoutError | OSError):
        return True
    return isinstance(error, KafkaError) and bool(getattr(error, "retriable", False))


async def until(settings: Settings, deadline: float, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
    """``attempt`` until it succeeds, waiting out a broker that is down or failing over up to
    ``deadline``; a broker that refuses this client ends the wait at once."""
    delay = 0.5
    while True:
        try:
            return await attempt()
        except (KafkaError, OSError) as error:
            await raise_if_refused(settings, error)
            if not worth_waiting(error):
                raise
            if time.monotonic() + delay > deadline:
                raise BrokerUnreachable(f"{what}: broker unreachable until the deadline ({error})") from error
            log.warning("broker_unreachable", action=what, retry_in_s=delay, error=str(error))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
