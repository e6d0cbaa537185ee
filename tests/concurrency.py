"""Running work at the same moment on separate database connections, for the tests of row
locks (PostgreSQL only: SQLite locks the whole database, so nothing would run at once there)."""

import threading

from django.db import connections


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
