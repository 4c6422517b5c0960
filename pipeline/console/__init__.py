"""What a person at a terminal sees: text made safe to show (``visible``), the logs' configuration and
their one-line rendering (``logs``, ``log_lines``), the Kafka client's chatter kept off screen
(``chatter``), progress bars (``progress``).

Imports nothing else of the pipeline.
"""
