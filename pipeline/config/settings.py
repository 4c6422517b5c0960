"""Every setting of the pipeline, read once from the environment (prefix ``NEWS_``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.config.errors import ConfigurationError, validation_problems

__all__ = ["Settings", "read_settings"]

PREFIXED = ("app_id", "topic_items", "topic_lines", "topic_classified", "topic_alerts", "topic_dlq")
"""the names a topic prefix goes before"""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWS_", frozen=True, extra="ignore")

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", description="host:port[,host:port...]")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = Field(default=None, description="never logged or printed")
    kafka_ssl_cafile: Path | None = Field(default=None, description="CA bundle that signed the brokers' certificates")
    kafka_ssl_certfile: Path | None = Field(default=None, description="client certificate, for mutual TLS")
    kafka_ssl_keyfile: Path | None = Field(default=None, description="client private key, for mutual TLS")
    topic_prefix: str = Field(
        default="",
        pattern=r"^[A-Za-z0-9._-]*$",
        description=(
            "put before every topic name and the app id: a replay under test. (say) is a pipeline of its own,"
            " which production consumers never see"
        ),
    )
    app_id: str = Field(default="news-pipeline", description="Faust app id: consumer group and table prefix")
    topic_items: str = Field(default="news.items", description="news item versions (ninjs), split by the worker")
    topic_lines: str = "news.lines"
    topic_classified: str = "news.lines.classified"
    topic_alerts: str = "news.alerts"
    topic_dlq: str = "news.dlq"
    partitions: int = Field(default=4, ge=1, le=1000, description="partitions of every pipeline topic")
    replication_factor: int = Field(default=1, ge=1, le=10, description="of every topic the pipeline creates")
    min_insync_replicas: int | None = Field(
        default=None,
        ge=1,
        le=10,
        description="replicas that must have a write before it is acknowledged; default 2 with 3 or more, else 1",
    )
    taxonomy_path: Path | None = Field(default=None, description="taxonomy YAML; the bundled default if unset")
    lexicon_path: Path | None = Field(
        default=None, description="the English word lists the speaker rules read (YAML); the bundled ones if unset"
    )
    max_text_bytes: int = Field(default=65_536, ge=1, description="longer lines go to the dead-letter topic")
    line_budget_s: float = Field(
        default=5.0,
        gt=0,
        description="processor time classifying one line may take; a line that takes longer is dead-lettered",
    )
    batch_max_s: float = Field(
        default=10.0,
        gt=0,
        description="a batch that has taken this long ends early, so that its offsets are committed in time",
    )
    processing_guarantee: Literal["at_least_once"] = Field(
        default="at_least_once",
        description=(
            "a line may be processed again after a crash, giving the same events with the same ids; Faust's "
            "exactly_once (Kafka transactions) is not offered: the agents send outside its transactions "
            "(docs/architecture.md)"
        ),
    )
    table_store: str = Field(default="memory://", description="Faust table store; state is rebuilt from changelogs")
    data_dir: Path = Field(
        default=Path(".news-data"),
        description="a worker's local files (Faust's datadir), a folder per app id: a RocksDB table store's tables",
    )
    commit_interval_s: float = Field(
        default=0.5,
        gt=0,
        description=(
            "how often a worker, and the webhook sink, commit what they have finished: what a crash or a rebalance"
            " repeats"
        ),
    )
    batch_max_messages: int = Field(
        # Under load a batch's own costs (a checkpoint and a memory per article it met) spread over more
        # lines: with a whole fetch handed over at once, 4,000 took one worker from 0.74-0.80 to 0.81-0.83
        # of the in-line loop given the same; with Faust's drain loop the queue rarely holds that many
        # (benchmarks/profile-worker.md). Faust's stream buffer holds 4,096 messages.
        default=4_000,
        ge=1,
        le=100_000,
        description="most messages an agent takes in one batch; it takes what is waiting, up to this",
    )
    consumer_fetch_max_wait_ms: int = Field(default=50, ge=0, description="lower than Kafka's 500 ms per-hop floor")
    producer_linger_ms: int = Field(default=5, ge=0)
    stall_after_s: float = Field(
        default=60.0, gt=0, description="a worker whose input waits while its offsets stand still this long exits"
    )
    ingest_timeout_s: float = Field(
        default=120.0, gt=0, description="how long ingest keeps retrying an unreachable broker before failing"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="auto: readable on a terminal, JSON lines otherwise"
    )
    http_host: str = Field(default="127.0.0.1", description="where `serve` listens")
    http_port: int = Field(default=8080, ge=1, le=65535)
    http_token: SecretStr | None = Field(
        default=None,
        description="bearer token a newsroom system sends to POST lines; `serve` needs one of 16 characters or more",
    )
    http_read_token: SecretStr | None = Field(
        default=None,
        description=(
            "bearer token for the alerts page and stream, /openapi.json and /docs (a browser logs in at /login);"
            " `serve` needs one when it listens beyond loopback"
        ),
    )
    http_max_body_bytes: int = Field(default=1_048_576, ge=1_024, description="larger requests get 413")
    http_max_lines: int = Field(default=1_000, ge=1, le=100_000, description="most lines in one request")
    http_max_item_html_bytes: int = Field(
        default=524_288, ge=1_024, description="a news item with a larger HTML body gets 413, before it is split"
    )
    http_max_item_lines: int = Field(
        default=5_000, ge=1, le=100_000, description="a news item that splits into more lines gets 422"
    )
    http_max_streams: int = Field(
        default=100, ge=1, le=100_000, description="live alert streams open at once (one a live page); beyond, 503"
    )
    http_alert_history: int = Field(
        default=200,
        ge=0,
        le=10_000,
        description="alerts the live page opens with: `serve` reads them back from the alerts topic when it starts",
    )
    http_articles_kept: int = Field(
        default=300,
        ge=1,
        le=10_000,
        description="recent articles whose classified lines `serve` keeps, for a row of the live page to open",
    )
    http_article_read_back: int = Field(
        default=20_000,
        ge=0,
        le=1_000_000,
        description="classified lines `serve` reads back from each partition when it starts, to fill the articles kept",
    )
    http_idle_timeout_s: int = Field(
        default=5,
        ge=1,
        le=300,
        description="a connection without a request under way (none sent yet, headers still coming) is closed after it",
    )
    webhooks_path: Path | None = Field(default=None, description="YAML file of webhook subscribers")
    webhook_attempts: int = Field(default=5, ge=1, le=50, description="tries per alert and URL before a dead letter")
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    webhook_backoff_s: float = Field(default=0.5, gt=0, description="first wait between tries; it doubles, to 30 s")
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="where a worker, serve or the webhooks answer Prometheus' scrapes"
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="the address metrics are served on; 0.0.0.0 for a scraper on another host"
    )
    webhook_queue_size: int = Field(
        default=1_000,
        ge=1,
        le=1_000_000,
        description="alerts waiting for one subscriber; while any subscriber has this many, no more are read",
    )
    web_enabled: bool = Field(default=False, description="Faust's web server (metrics, table views)")
    web_port: int = Field(default=6066, ge=1, le=65535)

    @model_validator(mode="before")
    @classmethod
    def _apply_topic_prefix(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("topic_prefix"):
            prefix = str(data["topic_prefix"])
            for name in PREFIXED:
                data[name] = prefix + str(data.get(name, cls.model_fields[name].default))
        return data

    @property
    def insync_replicas(self) -> int:
        if self.min_insync_replicas is not None:
            return self.min_insync_replicas
        return 2 if self.replication_factor >= 3 else 1

    @model_validator(mode="after")
    def _batches_end_before_a_stall(self) -> Settings:
        # A batch ends within its own time and one line's: a rough sum, since the line's budget is of
        # processor time, which a busy machine stretches. The defaults (10 + 5 s against 60) leave room.
        if self.batch_max_s + self.line_budget_s >= self.stall_after_s:
            raise ValueError(
                f"NEWS_BATCH_MAX_S={self.batch_max_s:g} plus NEWS_LINE_BUDGET_S={self.line_budget_s:g} must be under"
                f" NEWS_STALL_AFTER_S={self.stall_after_s:g}: a batch that long would be taken for a stall"
            )
        return self

    @model_validator(mode="after")
    def _replicas_are_possible(self) -> Settings:
        if self.insync_replicas > self.replication_factor:
            raise ValueError(
                f"NEWS_MIN_INSYNC_REPLICAS={self.insync_replicas} exceeds NEWS_REPLICATION_FACTOR="
                f"{self.replication_factor}: no write could ever be acknowledged"
            )
        return self

    @model_validator(mode="after")
    def _security_is_complete(self) -> Settings:
        if self.kafka_security_protocol.startswith("SASL") and not (
            self.kafka_sasl_username and self.kafka_sasl_password
        ):
            raise ValueError(
                f"NEWS_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                "NEWS_KAFKA_SASL_USERNAME and NEWS_KAFKA_SASL_PASSWORD"
            )
        if (self.kafka_ssl_certfile is None) != (self.kafka_ssl_keyfile is None):
            raise ValueError("NEWS_KAFKA_SSL_CERTFILE and NEWS_KAFKA_SSL_KEYFILE go together")
        return self


def read_settings(**given: Any) -> Settings:
    """The settings from the environment, with ``given`` (a command's options) over them; settings that
    cannot be used raise a ConfigurationError naming each variable and what it takes."""
    try:
        return Settings(**given)
    except ValidationError as error:
        raise ConfigurationError(f"invalid settings: {validation_problems(error, _variable)}") from error


def _variable(loc: Sequence[str | int]) -> str:
    """The environment variable a setting is read from: ``NEWS_PARTITIONS``."""
    return f"{Settings.model_config.get('env_prefix', '')}{loc[0]}".upper()
