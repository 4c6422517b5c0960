"""The Kafka tools of the command line and the services: client options and security (``options``,
``access``), topics made sure of and waited for (``topics``), ingest, tail, archives and their paced
replay, reprocessing.

May import ``contracts``, ``config``, ``console`` and ``formats``; never the worker's runtime.
"""
