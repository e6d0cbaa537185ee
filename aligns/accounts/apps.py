from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aligns.accounts"
    label = "accounts"
    verbose_name = "Accounts and schemes"

    def ready(self):
        from aligns.accounts import signals  # noqa: F401
