"""planner.sqlite: writers wait their turn (flock) instead of failing or busy-waiting."""

import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

from planner.sqlite.base import LOCK_SUFFIX


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """Yield a function giving this thread's connection alias for a fresh SQLite file."""
    alias = "writers_queue_test"
    path = tmp_path / "queue.sqlite3"

    def configure(engine):
        connections.settings[alias] = {
            **connections.settings["default"],
            "ENGINE": engine,
            "NAME": str(path),
            "CONN_MAX_AGE": 0,
            # SQLite itself gives up after 50 ms: only the queue can make writers wait.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.05},
        }
        with connections[alias].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE IF NOT EXISTS t (n integer)")
        return alias

    with django_db_blocker.unblock():
        yield configure
        connections[alias].close()
        del connections[alias]  # this thread's wrapper, made with this test's settings
        del connections.settings[alias]


def _writers(alias, *, hold_seconds=0.4):
    """Two threads write at once; the first holds its transaction for `hold_seconds`."""
    events, errors = [], []
    first_in = threading.Event()

    def write(number, hold):
        try:
            if number == 2:
                first_in.wait()
            with transaction.atomic(using=alias):
                if number == 1:
                    first_in.set()
                with connections[alias].cursor() as cursor:
                    cursor.execute("INSERT INTO t VALUES (%s)", [number])
                time.sleep(hold)
                events.append(("commit", number, time.monotonic()))
        except OperationalError as error:
            errors.append(str(error))
            first_in.set()
        finally:
            connections[alias].close()

    threads = [
        threading.Thread(target=write, args=(1, hold_seconds)),
        threading.Thread(target=write, args=(2, 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return events, errors


def test_a_second_writer_waits_for_the_first_instead_of_failing(file_database, tmp_path):
    alias = file_database("planner.sqlite")
    events, errors = _writers(alias)
    assert errors == []
    assert [number for _, number, _ in events] == [1, 2]
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchall() == [(1,), (2,)]
    assert (tmp_path / f"queue.sqlite3{LOCK_SUFFIX}").exists()


def test_without_the_queue_the_second_writer_fails_after_the_busy_timeout(file_database):
    # The same race on Django's own backend: what the queue is for.
    alias = file_database("django.db.backends.sqlite3")
    _, errors = _writers(alias)
    assert errors == ["database is locked"]


def test_the_lock_is_released_after_a_rolled_back_transaction(file_database):
    alias = file_database("planner.sqlite")
    with pytest.raises(RuntimeError), transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (0)")
        raise RuntimeError("undo")
    events, errors = _writers(alias, hold_seconds=0.1)
    assert errors == []
    assert len(events) == 2
