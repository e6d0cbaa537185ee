from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from reports.expressions import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="reports_sqlite")
