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
