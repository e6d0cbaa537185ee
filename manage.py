#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aligns.settings")
    # manage.py is the developer's entry point, so it defaults to a local run.
    # Production sets DJANGO_DEBUG=false; gunicorn and Celery have no such default
    # and refuse to start without a real DJANGO_SECRET_KEY.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
