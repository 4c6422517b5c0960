"""The worker's runtime: the delivery protocol (``delivery``, ``sequencing``; docs/delivery.md), Faust's
side of it (``streaming``, ``fetch_handover``, ``faust_fixes``), a batch's steps (``processing``, and
``offline`` for the same steps with no broker), the supervisor and its stall check, the processor-time
budget, the garbage collector's tuning and the worker's metrics. ``pipeline.app`` wires them to Faust.

May import ``domain``, ``contracts``, ``config`` and ``console``.
"""
