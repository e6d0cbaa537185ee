"""What the logs may not keep: application logs never hold names, NHS numbers or notes; and a
refusal is one line, not a traceback.

ALIGNS's own log lines name records by id only. The one way personal data could reach a log
is a request line: a client search (``?q=``) or a duplicate check (``?nhs_number=``) carries
it in the query string, which the development server logs. The console handler drops query
strings from every line; production's gunicorn access log leaves them out by its format
(Dockerfile).
"""

import logging
import re

QUERY_STRING = re.compile(r"\?[^\s\"']*")


class WithoutQueryStrings(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        redacted = QUERY_STRING.sub("?[query removed]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RefusalsInOneLine(logging.Filter):
    """A 4xx answer (a 403 to someone without the role, a 404 outside their scheme) is an
    expected refusal: Django logs it with the exception's traceback, which buries the real
    errors. Keep its one line; a 5xx keeps its traceback."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
