"""Newsroom input read into events: plain text, JSONL and ninjs files and streams (``sources``), ninjs
items' HTML split into lines (``ninjs``).

May import ``contracts`` and ``console``.
"""
