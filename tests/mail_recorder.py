"""An email backend for tests with real workers: each email it takes is a line of JSON (its
Message-ID and recipients) appended to the file named by ALIGNS_TEST_MAIL_LOG, so a test can
count what reached the mail server across worker processes, including killed ones.
ALIGNS_TEST_MAIL_DELAY_MS makes each email take that long, as a real mail server does, so a
kill can land while one is being sent."""

import json
import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        delay = int(os.environ.get("ALIGNS_TEST_MAIL_DELAY_MS", "0")) / 1000
        with open(os.environ["ALIGNS_TEST_MAIL_LOG"], "a") as log:
            for message in email_messages:
                time.sleep(delay)
                line = {"message_id": message.extra_headers.get("Message-ID"), "to": message.to}
                log.write(json.dumps(line) + "\n")
                log.flush()
                os.fsync(log.fileno())  # taken: on disk before the row can be marked sent
        return len(email_messages)


def deliveries(path):
    """The Message-IDs recorded in `path`, one per email taken, in order."""
    if not os.path.exists(path):
        return []
    with open(path) as log:
        return [json.loads(line)["message_id"] for line in log if line.strip()]
