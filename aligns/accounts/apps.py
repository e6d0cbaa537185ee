from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AccountsConfig(AppConfig):
    name = "aligns.accounts"
    label = "accounts"
    verbose_name = "Accounts and schemes"

    def ready(self):
        from aligns.accounts import signals  # noqa: F401
        from aligns.expressions import register_sqlite_functions

        # Before any table is made: an episode's first-contact time is worked out by one.
        connection_created.connect(register_sqlite_functions, dispatch_uid="aligns_sqlite")
