"""Every setting of the pipeline, read once from the environment (prefix ``NEWS_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWS_", frozen=True, extra="ignore")

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", description="host:port[,host:port...]")
    app_id: str = Field(default="news-pipeline", description="Faust app id: consumer group and table prefix")
    topic_lines: str = "news.lines"
    topic_classified: str = "news.lines.classified"
    topic_alerts: str = "news.alerts"
    topic_dlq: str = "news.dlq"
    partitions: int = Field(default=4, ge=1, le=1000, description="partitions of every pipeline topic")
    replication_factor: int = Field(default=1, ge=1, le=10)
    taxonomy_path: Path | None = Field(default=None, description="taxonomy YAML; the bundled default if unset")
    max_text_bytes: int = Field(default=65_536, ge=1, description="longer lines go to the dead-letter topic")
    table_store: str = Field(default="memory://", description="Faust table store; state is rebuilt from changelogs")
    consumer_fetch_max_wait_ms: int = Field(default=50, ge=0, description="lower than Kafka's 500 ms per-hop floor")
    producer_linger_ms: int = Field(default=5, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="auto: readable on a terminal, JSON lines otherwise"
    )
    web_enabled: bool = Field(default=False, description="Faust's web server (metrics, table views)")
    web_port: int = Field(default=6066, ge=1, le=65535)
