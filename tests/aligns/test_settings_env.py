import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from aligns.env import env_bool, env_int, env_list, env_str


def test_a_mistyped_boolean_stops_start_up(monkeypatch):
    monkeypatch.setenv("ALIGNS_TEST_FLAG", "ture")

    with pytest.raises(ImproperlyConfigured, match="ALIGNS_TEST_FLAG must be true or false"):
        env_bool("ALIGNS_TEST_FLAG", False)


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("0", False), ("TRUE", True)])
def test_booleans_read_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("ALIGNS_TEST_FLAG", value)

    assert env_bool("ALIGNS_TEST_FLAG", not expected) is expected


def test_a_number_that_is_not_a_number_stops_start_up(monkeypatch):
    monkeypatch.setenv("ALIGNS_TEST_MINUTES", "thirty")

    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("ALIGNS_TEST_MINUTES", 30)


def test_a_number_out_of_range_stops_start_up(monkeypatch):
    monkeypatch.setenv("ALIGNS_TEST_MINUTES", "0")

    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("ALIGNS_TEST_MINUTES", 30, minimum=1)


def test_a_required_value_that_is_missing_or_blank_stops_start_up(monkeypatch):
    monkeypatch.setenv("ALIGNS_TEST_REQUIRED", "  ")

    with pytest.raises(ImproperlyConfigured, match="Set the environment variable"):
        env_str("ALIGNS_TEST_REQUIRED")


def test_unset_values_fall_back_to_their_defaults(monkeypatch):
    monkeypatch.delenv("ALIGNS_TEST_HOSTS", raising=False)

    assert env_list("ALIGNS_TEST_HOSTS", ["localhost"]) == ["localhost"]
    monkeypatch.setenv("ALIGNS_TEST_HOSTS", "a.example, ,b.example")
    assert env_list("ALIGNS_TEST_HOSTS", []) == ["a.example", "b.example"]


def _databases_configured(environment):
    """The DATABASES a fresh process makes from `environment` (settings are read once),
    whatever this process's own database settings are."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    script = "import json, aligns.settings as s; print(json.dumps(s.DATABASES, default=str))"
    completed = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script],
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def test_a_reports_replica_is_configured_as_a_test_mirror_of_the_primary():
    databases = _databases_configured(
        {
            "DATABASE_URL": "postgres://aligns@primary.internal/aligns",
            "DATABASE_REPORTS_URL": "postgres://aligns_reader@replica.internal/aligns",
        }
    )

    assert databases["reports"]["HOST"] == "replica.internal"
    assert databases["reports"]["USER"] == "aligns_reader"
    assert databases["reports"]["TEST"] == {"MIRROR": "default"}
    assert databases["reports"]["OPTIONS"] == {"options": "-c jit=off"}


def test_without_a_reports_url_there_is_one_database():
    databases = _databases_configured({"DATABASE_URL": "postgres://aligns@primary.internal/aligns"})

    assert list(databases) == ["default"]
