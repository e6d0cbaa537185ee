from django.contrib import admin

from aligns.outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: what waits, failed or went, for whoever runs the servers (the password-reset
    emails belong to no scheme, so only here). Ids and kinds only, never what an email says."""

    list_display = [
        "created_at",
        "kind",
        "scheme",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "kind", "scheme"]
    list_select_related = ["scheme"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
