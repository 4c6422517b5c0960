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


def server_config(app: FastAPI, settings: Settings) -> uvicorn.Config:
    """How uvicorn runs the app: at most NEWS_HTTP_MAX_CONNECTIONS open at once (beyond, 503 at once),
    so a flood of connections or of live pages cannot take every file descriptor and all memory."""
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        # uvicorn counts the connection asking among those open: one more lets the setting's number in.
        limit_concurrency=settings.http_max_connections + 1,
        ws="none",  # no route takes a websocket: an upgrade is not even attempted
        log_level="warning",
        log_config=_uvicorn_logs_to_ours(),
    )


def serve(settings: Settings) -> None:
    uvicorn.Server(server_config(http_app(settings), settings)).run()
