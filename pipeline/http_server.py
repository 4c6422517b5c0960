"""Running the HTTP server: one idempotent producer for the lines and one consumer for the live alerts,
both started before the server takes requests and stopped after it stops."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import structlog
import uvicorn
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from pipeline.alert_feed import AlertFeed, feed_from_kafka
from pipeline.events import ItemVersion, LineEvent
from pipeline.http_api import Unavailable, build_http_app
from pipeline.ingest import ensure_topics_waiting
from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings

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


def http_app(settings: Settings) -> FastAPI:
    publisher = KafkaLinePublisher(settings)
    feed = AlertFeed()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A broker still starting is waited for, as ingest waits for it.
        topics = [settings.topic_lines, settings.topic_items, settings.topic_alerts]
        await ensure_topics_waiting(settings, topics=topics)
        await publisher.start()
        ready = asyncio.Event()
        reading = asyncio.create_task(feed_from_kafka(settings, feed, ready))
        await asyncio.wait([reading, asyncio.create_task(ready.wait())], return_when=asyncio.FIRST_COMPLETED)
        if reading.done():
            reading.result()  # the consumer could not start: say why
        log.info("http_ready", host=settings.http_host, port=settings.http_port, topic=settings.topic_lines)
        try:
            yield
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
            await publisher.stop()

    return build_http_app(settings, publisher, feed, lifespan)


_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def _uvicorn_logs_to_ours() -> dict[str, Any]:
    """uvicorn's logging configuration: none of its own handlers, which would print an exception raw.
    Its records go up to the root logger, which escapes what they quote on a terminal (pipeline.logs)."""
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
