from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aligns.audit"
    label = "audit"
    verbose_name = "Audit"
