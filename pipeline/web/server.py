"""Running the HTTP server: one idempotent producer for the lines, one consumer for the live alerts and
one for the classified lines the page opens an alert's article with, all started (the consumers' history
read back) before the server takes requests and stopped after it stops."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from functools import partial
from typing import Any

import structlog
import uvicorn
from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import KafkaError
from fastapi import FastAPI
from pydantic import ValidationError
from uvicorn.protocols.http.h11_impl import H11Protocol

from pipeline.broker.options import aiokafka_options
from pipeline.broker.topics import ensure_topics_waiting
from pipeline.config.settings import Settings
from pipeline.contracts.events import ClassifiedLine, ItemVersion, LineEvent
from pipeline.web.alert_feed import AlertFeed, feed_from_kafka
from pipeline.web.api import LinePublisher, Unavailable, build_http_app
from pipeline.web.article_lines import ArticleLines
from pipeline.web.metrics import ServeMetrics
from pipeline.web.topic_history import read_back_then_follow

__all__ = ["serve"]

log = structlog.get_logger("pipeline.http")


class KafkaLinePublisher:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            **aiokafka_options(self._settings),
            acks="all",
            enable_idempotence=True,
            linger_ms=self._settings.producer_linger_ms,
            request_timeout_ms=30_000,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def publish(self, lines: Sequence[LineEvent]) -> None:
        if self._producer is None:
            raise Unavailable("the producer is not started")
        try:
            sent = [
                await self._producer.send(
                    self._settings.topic_lines, line.model_dump_json().encode(), key=line.article_id.encode()
                )
                for line in lines
            ]
            await asyncio.gather(*sent)
        except KafkaError as error:
            raise Unavailable(str(error)) from error

    async def publish_item(self, item: ItemVersion) -> None:
        if self._producer is None:
            raise Unavailable("the producer is not started")
        try:
            value = item.model_dump_json().encode()
            await self._producer.send_and_wait(self._settings.topic_items, value, key=item.article_id.encode())
        except KafkaError as error:
            raise Unavailable(str(error)) from error


async def articles_from_kafka(settings: Settings, articles: ArticleLines, ready: asyncio.Event) -> None:
    """The recent classified lines into ``articles``, then each new one, for as long as the server runs."""

    def take(record: ConsumerRecord[Any, Any]) -> None:
        try:
            articles.add(ClassifiedLine.model_validate_json(record.value))
        except ValidationError:
            log.warning("malformed_classified_line_skipped", offset=record.offset, partition=record.partition)

    def take_history(records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        for record in records:
            take(record)

    depth = settings.http_article_read_back
    await read_back_then_follow(settings, settings.topic_classified, depth, take_history, take, ready.set)


Reader = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
"""reads a topic for as long as the server runs, setting the event once its history is read back"""


async def _read_back(readers: Sequence[Reader]) -> list[asyncio.Task[None]]:
    """Each reader started, and each past its history; a reader that fails before says why."""
    events = [asyncio.Event() for _ in readers]
    tasks = [(asyncio.create_task(reader(ready)), ready) for reader, ready in zip(readers, events, strict=True)]
    for task, ready in tasks:
        await asyncio.wait([task, asyncio.create_task(ready.wait())], return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            await _stop([other for other, _ in tasks if other is not task])
            task.result()  # the consumer could not start: say why
    return [task for task, _ in tasks]


def _reader_ended(reader: asyncio.Task[None]) -> None:
    """A reader runs as long as the server does: one that ends early leaves the live page without news."""
    if not reader.cancelled() and reader.exception() is not None:
        log.error("http_reader_failed", error=repr(reader.exception()), hint="restart serve")


async def _stop(tasks: Sequence[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class MeteredPublisher:
    """A publisher counting what Kafka took, and what it did not."""

    def __init__(self, publisher: LinePublisher, metrics: ServeMetrics) -> None:
        self._publisher = publisher
        self._metrics = metrics

    async def publish(self, lines: Sequence[LineEvent]) -> None:
        with self._counting_failure():
            await self._publisher.publish(lines)
        self._metrics.lines_published.inc(len(lines))

    async def publish_item(self, item: ItemVersion) -> None:
        with self._counting_failure():
            await self._publisher.publish_item(item)
        self._metrics.items_published.inc()

    @contextlib.contextmanager
    def _counting_failure(self) -> Iterator[None]:
        try:
            yield
        except Unavailable:
            self._metrics.publish_failures.inc()
            raise


def http_app(settings: Settings) -> FastAPI:
    publisher = KafkaLinePublisher(settings)
    feed = AlertFeed(recent=settings.http_alert_history)
    metrics = ServeMetrics(lambda: feed.listening)
    articles = ArticleLines(settings.http_articles_kept)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A broker still starting is waited for, as ingest waits for it.
        topics = [settings.topic_lines, settings.topic_items, settings.topic_classified, settings.topic_alerts]
        await ensure_topics_waiting(settings, topics=topics)
        await publisher.start()
        if settings.metrics_port is not None:
            metrics.serve(settings.metrics_port, settings.metrics_host)
        # Read back side by side; the server answers once both are in, so a restart shows what was there.
        try:
            reading = await _read_back(
                [partial(feed_from_kafka, settings, feed), partial(articles_from_kafka, settings, articles)]
            )
        except BaseException:
            await publisher.stop()
            raise
        for reader in reading:
            reader.add_done_callback(_reader_ended)
        log.info(
            "http_ready",
            host=settings.http_host,
            port=settings.http_port,
            topic=settings.topic_lines,
            alerts_read_back=feed.recent,
            lines_read_back=len(articles),
        )
        try:
            yield
        finally:
            await _stop(reading)
            await publisher.stop()

    return build_http_app(settings, MeteredPublisher(publisher, metrics), feed, lifespan, articles=articles)


_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def _uvicorn_logs_to_ours() -> dict[str, Any]:
    """uvicorn's logging configuration: none of its own handlers, which would print an exception raw.
    Its records go up to the root logger, which escapes what they quote on a terminal (pipeline.console.logs)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {name: {"handlers": [], "propagate": True} for name in _UVICORN_LOGGERS},
    }


class IdleClosingH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1, but a connection with no request under way is closed after
    ``timeout_keep_alive`` seconds, whether or not bytes trickle in. uvicorn itself waits for a first
    request forever, and cancels its keep-alive timer at the first byte of the next one: a client could
    hold a connection open for nothing, or for a header sent a byte at a time."""

    _idle_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_idle_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_idle_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._idle_deadline is not None:
            self._idle_deadline.cancel()
        super().connection_lost(exc)

    def _arm_idle_deadline(self) -> None:
        if self._idle_deadline is not None:
            self._idle_deadline.cancel()
        self._idle_deadline = self.loop.call_later(self.timeout_keep_alive, self._close_if_idle)

    def _close_if_idle(self) -> None:
        # A request under way (its headers all in; an answer, a live stream, being sent) is left be:
        # its answer's end arms the deadline again.
        under_way = self.cycle is not None and not self.cycle.response_complete
        if not under_way and not self.transport.is_closing():
            self.transport.close()


def server_config(app: FastAPI, settings: Settings) -> uvicorn.Config:
    """How uvicorn runs the app. No cap on connections, which idle ones would reach for nothing and
    shut everyone out; instead a connection with no request under way is closed after
    NEWS_HTTP_IDLE_TIMEOUT_S, and what costs the server (a live stream) is limited in the app
    (NEWS_HTTP_MAX_STREAMS). Headers still unfinished after 16 KiB get 400 (h11's limit, uvicorn's default)."""
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        http=IdleClosingH11Protocol,
        timeout_keep_alive=settings.http_idle_timeout_s,
        ws="none",  # no route takes a websocket: an upgrade is not even attempted
        log_level="warning",
        log_config=_uvicorn_logs_to_ours(),
    )


def serve(settings: Settings) -> None:
    uvicorn.Server(server_config(http_app(settings), settings)).run()
