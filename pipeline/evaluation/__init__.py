"""Measuring the classifiers: scoring against labels by the contract's rules (``scoring``), labelled
articles in their readable file (``labelled_articles``), golden files for replays (``golden``).

May import ``domain``, ``contracts``, ``config`` and ``console``.
"""
