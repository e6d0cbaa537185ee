import pytest
from django.urls import reverse

from aligns.celery import app as celery_app


@pytest.mark.django_db
def test_health_reports_database_and_broker_without_signing_in(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_says_unavailable_when_the_broker_cannot_be_reached(client, monkeypatch):
    unreachable = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)
    monkeypatch.setitem(celery_app.conf, "broker_url", unreachable)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"
    assert response.json()["database"] == "ok"
