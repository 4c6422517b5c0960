"""The events the pipeline's processes exchange, and reading them: one versioned pydantic model per
event type (``events``), their JSON Schemas (``schema_files``), a Kafka message's bytes read into an
event or the reason it is refused (``decoding``), and which alerts a subscriber wants (``alert_filter``).

Imports nothing else of the pipeline: every other part speaks these.
"""
