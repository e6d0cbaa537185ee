"""What the logs may not keep: application logs never hold names, NHS numbers or notes.

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
