"""The HTTP side: the API and its server (``api``, ``server``, ``access``), the live page's feed, history
and articles (``alert_feed``, ``topic_history``, ``article_lines``), the webhook sink (``webhooks``,
``webhook_sink``, ``webhook_offsets``) and their metrics.

May import ``domain``, ``contracts``, ``config``, ``console``, ``formats`` and ``broker``.
"""
