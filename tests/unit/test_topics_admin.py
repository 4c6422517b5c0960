"""Making sure of topics: a refusal names the topic and who was refused; a client names only the topics it uses."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import NotControllerError, TopicAuthorizationFailedError

from pipeline.broker.access import BrokerRefused
from pipeline.broker.topics import _raise_refusal
from pipeline.config.settings import Settings

ALREADY_EXISTS, TOPIC_AUTHORIZATION_FAILED, NOT_CONTROLLER = 36, 29, 41


def test_created_and_already_there_are_no_refusal() -> None:
    _raise_refusal([("news.lines", 0, None), ("news.alerts", ALREADY_EXISTS, "exists")])


def test_a_topic_the_client_may_not_create_is_named_with_both_rights_it_may_lack() -> None:
    """Kafka lists a topic only to whom may describe it: the refused topic may exist, the right to use it missing."""
    with pytest.raises(TopicAuthorizationFailedError) as refused:
        _raise_refusal([("news.lines", 0, None), ("news.items", TOPIC_AUTHORIZATION_FAILED, None)])
    said = str(refused.value)
    assert "topic news.items is not visible to this user, who may not create it either" in said
    assert "Write to publish" in said and "grant Create" in said


def test_a_retriable_refusal_keeps_its_kind_so_the_caller_waits_it_out() -> None:
    with pytest.raises(NotControllerError) as refused:
        _raise_refusal([("news.dlq", NOT_CONTROLLER, "not the controller")])
    assert refused.value.retriable and "news.dlq" in str(refused.value)


def test_ingest_makes_sure_only_of_the_topic_it_writes(no_pipeline_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.broker.ingest
    import pipeline.broker.topics

    asked: list[object] = []

    async def recorded(settings: Settings, alert_kinds: object = (), topics: object = None) -> None:
        asked.append(topics)
        raise TopicAuthorizationFailedError("stop here")

    monkeypatch.setattr(pipeline.broker.topics, "ensure_topics", recorded)
    with pytest.raises(BrokerRefused):  # and told at once, not waited out
        asyncio.run(pipeline.broker.ingest.publish_lines(Settings(), []))
    with pytest.raises(BrokerRefused):
        asyncio.run(pipeline.broker.ingest.publish_items(Settings(), []))
    assert asked == [["news.lines"], ["news.items"]]
