"""Errors a user can cause or fix, each carrying the fix in its message.

    QAError                      shown to the user as-is; the CLI exits 1
    ├── NoIndexError             no index yet (run `python -m qa index`)
    ├── IndexIncompatibleError   built with another model/format, or damaged
    ├── IndexLockedError         another indexer is writing the same index
    ├── ModelError               the embedding model cannot be loaded or converted
    └── InputError               a question or setting that cannot be handled (CLI exit 2 for usage)
"""

from __future__ import annotations


class QAError(Exception):
    """An error meant for the user: the message says what went wrong and how to fix it."""


class NoIndexError(QAError):
    pass


class IndexIncompatibleError(QAError):
    pass


class IndexLockedError(QAError):
    pass


class ModelError(QAError):
    pass


class InputError(QAError):
    pass
