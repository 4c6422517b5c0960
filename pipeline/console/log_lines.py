"""Log records as a person at a terminal reads them: the time, the level when it is not news, what
happened in a sentence and, where there is one, what to do. A service reading the logs gets JSON
lines with every field (``logs.configure_logging``); this is the terminal's rendering only.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from datetime import datetime
from typing import Any

SAID = {
    "broker_unreachable": "cannot reach the broker to {action}; trying again in {retry_in_s} s ({error}). "
    "Is it running? (scripts/kafka-local status; NEWS_KAFKA_BOOTSTRAP_SERVERS says where it is)",
    "worker_exited": "the worker exited with status {status} after {ran_for_s} s; "
    "starting it again in {restart_in_s} s",
    "worker_stalled": "the worker has made no progress for {stalled_for_s} s with {waiting} line(s) waiting; "
    "restarting it",
    "worker_not_stopping": "the worker did not stop; killed it after {killed_after_s} s",
    "dead_letter": "refused input at {topic}/{partition}@{offset}: {reason}: {detail} "
    "(kept on the dead-letter topic as {dead_letter_id})",
    "lines_classified": "classified {lines} line(s) of {articles}",
    "item_lines_published": "published {lines} new line(s) of {articles}",
    "alerts_raised": "raised {alerts}",
    "http_ready": "serving on http://{host}:{port} (lines go to {topic})",
    "webhooks_ready": "posting the alerts of {topic} to {webhooks}",
    "webhook_delivered": "posted alert {alert} to {webhook} ({host})",
    "webhook_retry": "{webhook} ({host}) answered {answer} for alert {alert}; trying again",
    "webhook_failed": "gave up posting alert {alert} to {webhook}: {detail}; it is on the dead-letter topic",
    "webhook_queue_full": "{webhook} ({host}) has {alerts} alerts waiting; reading no more until it takes some",
    "send_failed": "Kafka refused what the worker sent ({error}); the worker stops, and its input is read again",
    "partition_stuck": "an input partition has waited a minute for missing offsets: {hint}",
    "left_unacked_at_stop": "stopped without {messages} message(s) acknowledged; the next worker reads them again",
}
"""a sentence for each event a person at a terminal meets; the others are shown by their fields"""

_QUIET_LEVELS = frozenset({"info", "debug"})
_NOT_FIELDS = frozenset({"event", "level", "timestamp", "logger", "exception", "stack"})


class _Shown(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key) if key in self else self.__missing__(key)
        return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_plain(item) for item in value) or "none"
    if isinstance(value, Mapping):
        return " ".join(f"{key} {_plain(item)}" for key, item in value.items())
    return str(value)


def human_line(_: object, __: str, event_dict: MutableMapping[str, Any]) -> str:
    """structlog's last step on a terminal: the record as one line a person reads."""
    event = str(event_dict.get("event", ""))
    level = str(event_dict.get("level", "info"))
    template = SAID.get(event)
    if template is not None:
        said, rest = template.format_map(_Shown(event_dict)), {}
    else:
        said = event.replace("_", " ") if event.isidentifier() else event
        rest = {key: value for key, value in event_dict.items() if key not in _NOT_FIELDS}
    if rest:
        said += " (" + "; ".join(f"{key.replace('_', ' ')} {_plain(value)}" for key, value in rest.items()) + ")"
    library = event_dict.get("logger")  # only a library's records, through the standard library, name one
    if library:
        said = f"{library}: {said}"
    line = f"{_clock(event_dict.get('timestamp'))} {'' if level in _QUIET_LEVELS else level + ': '}{said}"
    trace = event_dict.get("exception") or event_dict.get("stack")
    return f"{line}\n{trace}" if trace else line


def _clock(timestamp: object) -> str:
    """The time of day in the reader's zone: at a terminal, the date is today's."""
    try:
        return datetime.fromisoformat(str(timestamp)).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return str(timestamp or "")
