from django.contrib import admin

from aligns.audit.models import AccessLogEntry, SharingLogEntry


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


@admin.register(SharingLogEntry)
class SharingLogEntryAdmin(AccessLogEntryAdmin):
    list_display = ["shared_at", "shared_by", "what", "recipient_organisation", "is_override"]
    list_filter = ["is_override", "lawful_basis"]
    search_fields = ["shared_by__email", "recipient_organisation", "what"]
    date_hierarchy = "shared_at"
