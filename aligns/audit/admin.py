from django.contrib import admin

from aligns.audit.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: audit rows are evidence, so nobody adds, edits or deletes them here."""

    list_display = ["viewed_at", "user", "subject_type", "subject_id", "page"]
    list_filter = ["subject_type", "page"]
    search_fields = ["user__email", "subject_id", "path"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
