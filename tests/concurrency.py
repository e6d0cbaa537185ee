"""Running work at the same moment on separate database connections, for the tests of row
locks (PostgreSQL only: SQLite locks the whole database, so nothing would run at once there)."""

import threading

from django.db import connection, connections, transaction


def at_once(*work, timeout=60):
    """Run each callable in `work` in its own thread, all released together, each on its own
    database connection. Returns what each returned, or the exception it raised, in order."""
    start = threading.Barrier(len(work))
    outcomes = [None] * len(work)

    def run(number, function):
        try:
            start.wait()
            outcomes[number] = function()
        except Exception as error:  # the caller asserts on it
            outcomes[number] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def holding(change):
    """Run `change` in a transaction in another connection and keep it open (and its locks
    held) until the returned `release` is called."""
    held, release, failures = threading.Event(), threading.Event(), []

    def run():
        try:
            with transaction.atomic():
                change()
                held.set()
                release.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 - reported to the caller
            failures.append(error)
            held.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert held.wait(timeout=30)
    assert not failures, failures

    def done():
        release.set()
        thread.join(timeout=30)

    return done


def without_waiting(change):
    """Run `change` in this connection, failing instead of waiting more than a moment for a lock."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '500ms'")
        return change()
