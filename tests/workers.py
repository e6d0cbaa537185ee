"""Real Celery workers in their own processes, for the tests that need one: against the test
database, on a queue of their own (so they never take other work), killable with SIGKILL."""

import os
import signal
import subprocess
import sys
import uuid


def test_database_url():
    """The database the tests use, so a worker reads and writes the same rows."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


def new_queue():
    return f"test-{uuid.uuid4().hex[:12]}"


class Worker:
    """`celery worker --pool=solo` reading `queue`, with `environment` added to ours. Tasks the
    worker sends (a sweep nudging the dispatch) go to the same queue."""

    def __init__(self, queue, **environment):
        self.queue = queue
        self.environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            **environment,
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own worker, our own arguments
            [sys.executable, "-m", "celery", "-A", "aligns", "worker", "--pool=solo",
             "--queues", self.queue, "--loglevel=WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             # Marks each task as it starts, for tests that kill a worker mid-task.
             "--include", "tests.task_markers"],
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    def kill(self):
        """SIGKILL: no goodbye, no acknowledgement, no rollback but the database's own."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.communicate()

    def stop(self):
        """Stop it if it still runs; print what it said if it did not end cleanly."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        if self.process.returncode not in (0, -15):
            print(output.decode(errors="replace"))
