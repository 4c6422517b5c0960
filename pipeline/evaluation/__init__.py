"""Measuring the classifiers: scoring against labels by the contract's rules (``scoring``), labelled
articles in their readable file (``labelled_articles``), golden files for replays (``golden``), and
rule cases, sentences with what the classifier must say of each, in files a newsroom edits (``cases``).

May import ``domain``, ``contracts``, ``config`` and ``console``.
"""
