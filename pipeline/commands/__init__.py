"""The command line's commands, a module a group: those that need no broker (``offline``), those that
read and write Kafka's topics (``broker``), those that run the services (``services``), and what they
share (``common``); ``pipeline.cli`` puts them together.

May import ``pipeline.app`` and every other subpackage: ``domain``, ``contracts``, ``config``, ``console``,
``formats``, ``broker``, ``worker``, ``web`` and ``evaluation``.
"""

__all__ = ["broker", "offline", "services"]
