"""Django's SQLite backend, with writers queued by the kernel instead of SQLite's busy-wait.

SQLite allows one writer at a time. The others retry in SQLite's busy handler, which sleeps
1, 2, 5, ... up to 100 ms between tries, so under load a writer that has waited a while keeps
losing to newcomers: `make bench` (2 gunicorn workers × 4 threads) measured POST /api/plans at
p99 1.2 s, with time-outs, while the workers sat half idle (issue 7). Here each transaction
first takes an exclusive `flock()` on a file beside the database. Every transaction is
BEGIN IMMEDIATE (settings.py), so every one would take SQLite's write lock anyway; waiting
writers now sleep in the kernel and wake as soon as the lock is free. Readers never wait: WAL.

ENGINE "planner.sqlite" in settings.DATABASES. In-memory databases (the tests') and systems
without `fcntl` use the plain backend's behaviour.
"""

from __future__ import annotations

import os

from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's busy timeout still applies
    fcntl = None

LOCK_SUFFIX = "-writers.lock"


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd: int | None = None
    _holds_lock = False

    def _queues_writers(self) -> bool:
        return (
            fcntl is not None
            # EXCLUSIVE: django-tasks-db's worker claims a task in an EXCLUSIVE transaction.
            and self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE")
            and not self.is_in_memory_db()
        )

    def _take_write_lock(self) -> None:
        if self._holds_lock or not self._queues_writers():
            return
        if self._lock_fd is None:
            path = f"{self.settings_dict['NAME']}{LOCK_SUFFIX}"
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self._holds_lock = True

    def _release_write_lock(self) -> None:
        if self._holds_lock:
            self._holds_lock = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _set_autocommit(self, autocommit):
        # Called with True at the end of every outermost atomic block, after COMMIT or ROLLBACK.
        try:
            super()._set_autocommit(autocommit)
        finally:
            if autocommit:
                self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
