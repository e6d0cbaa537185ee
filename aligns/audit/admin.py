from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin

from aligns.audit.models import AccessLogEntry, SharingLogEntry


class EvidenceAdmin(admin.ModelAdmin):
    """Read-only: log rows are evidence, so nobody adds, edits or deletes them here. Only the
    retention tasks remove old ones."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(EvidenceAdmin):
    list_display = ["viewed_at", "user", "subject_type", "subject_id", "page"]
    list_filter = ["subject_type", "page"]
    search_fields = ["user__email", "subject_id", "path"]
    date_hierarchy = "viewed_at"


@admin.register(SharingLogEntry)
class SharingLogEntryAdmin(EvidenceAdmin):
    list_display = ["shared_at", "shared_by", "what", "recipient_organisation", "is_override"]
    list_filter = ["is_override", "lawful_basis"]
    search_fields = ["shared_by__email", "recipient_organisation", "what"]
    date_hierarchy = "shared_at"


# django-axes's records of sign-ins and failed sign-ins, read-only too. (Its lockouts,
# AccessAttempt, stay deletable: deleting one is how an administrator lifts a lockout.)
# Importing axes.admin above has registered its own, editable versions; these replace them.
class SignInLogAdmin(EvidenceAdmin, AccessLogAdmin):
    pass


class FailedSignInLogAdmin(EvidenceAdmin, AccessFailureLogAdmin):
    pass


for model, model_admin in ((AccessLog, SignInLogAdmin), (AccessFailureLog, FailedSignInLogAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
