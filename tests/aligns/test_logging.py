"""Request lines reach the console without their query strings, which can carry a name or an
NHS number (a client search, a duplicate check). The browser tests check whole journeys."""

import logging


def _console_handler():
    """The handler settings.LOGGING configures (dictConfig names it)."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    return handler


def test_a_logged_request_line_keeps_its_path_but_not_its_query_string():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /clients/?q=Ottoline+Zebedee&page=2 HTTP/1.1", "200", "5120"),
        None,
    )

    handler = _console_handler()
    kept = handler.filter(record)
    line = handler.format(record)

    assert kept
    assert "GET /clients/?" in line and "200 5120" in line
    assert "Ottoline" not in line and "page=2" not in line


def test_a_line_without_a_query_string_is_left_as_it_was():
    record = logging.LogRecord(
        "reports", logging.ERROR, __file__, 1, "Report export %s failed", (42,), None
    )

    handler = _console_handler()
    handler.filter(record)

    assert handler.format(record).endswith("ERROR reports Report export 42 failed")


def test_a_refusal_is_logged_in_one_line_without_a_traceback(client, make_user, scheme):
    from io import StringIO

    from django.urls import reverse

    from aligns.accounts.models import Role

    client.force_login(make_user(Role.VOLUNTEER))
    handler = _console_handler()
    written = StringIO()
    previous = handler.setStream(written)
    try:
        forbidden = client.get(reverse("referrals:queue"))
    finally:
        handler.setStream(previous)

    lines = written.getvalue().splitlines()
    assert forbidden.status_code == 403
    refusals = [line for line in lines if "Forbidden" in line]
    assert len(refusals) == 1, lines
    assert "Traceback" not in written.getvalue()


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
            ("/x/",), (type(error), error, error.__traceback__),
        )  # fmt: skip
    record.status_code = 500

    handler = _console_handler()
    handler.filter(record)

    assert "Traceback" in handler.format(record)
