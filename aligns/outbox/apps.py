from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "aligns.outbox"
    label = "outbox"
    verbose_name = "Messages"

    def ready(self):
        # Each app's emails.py names the kinds of message it sends (@message_kind): import them
        # all, so the worker knows every kind whichever process wrote the row.
        autodiscover_modules("emails")
