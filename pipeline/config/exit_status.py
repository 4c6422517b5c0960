"""What a command's exit status means: one number for one outcome, the same for every command.

A script or a CI job acts on the number alone, so no two outcomes share one: a rules file that
cannot be read must not look like a rule change, nor a crash like either. docs/operations.md lists them.
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["ExitStatus"]


@unique
class ExitStatus(IntEnum):
    OK = 0
    """done as asked; a comparison found no difference"""

    FAILED = 1
    """failed for a reason its message gives and no other status names (reprocess while workers run, a
    topic that does not exist); also Python's own status for an error nothing caught, which is a bug"""

    USAGE = 2
    """the command line is wrong: an unknown option, a missing argument, a value an option does not
    take, an input file that cannot be read (click's own status)"""

    BROKER_UNREACHABLE = 3
    """no broker answered within NEWS_INGEST_TIMEOUT_S, or it did not acknowledge what was sent"""

    NOT_ALL_CLASSIFIED = 4
    """a live replay's lines were not all classified within --wait: no worker on its topic prefix?"""

    BROKER_REFUSED = 5
    """the broker refused this client: its credentials, TLS or permissions (waiting would not change it)"""

    INPUT_REFUSED = 6
    """some input could not become events (bad bytes, bad JSON, a line number that repeats); each is
    named, and the rest was published or classified"""

    RESULTS_DIFFER = 7
    """a comparison found a difference: ``replay --expect``, ``schemas --check``, ``labels --check``, a rule
    case that fails (``cases``)"""

    CONFIGURATION_INVALID = 8
    """a setting, the taxonomy file, the word lists or the webhooks file cannot be used: one line names the file (or
    the variable), the field and what was expected; started again, the command would fail the same way"""
