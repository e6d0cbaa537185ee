from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from aligns.accounts.models import AccountRequest, Hospital, Organisation, Scheme, User, Ward


class HospitalInline(admin.TabularInline):
    model = Hospital
    extra = 0


class WardInline(admin.TabularInline):
    model = Ward
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organisation", "account_request_domains", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [HospitalInline]


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "ods_code"]
    list_filter = ["scheme"]
    inlines = [WardInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "scheme", "is_active"]
    list_filter = ["scheme", "role", "is_active"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["wards", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "phone"]}),
        ("Scheme and role", {"fields": ["scheme", "role", "wards", "organisation"]}),
        (
            "Administration",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Deactivation", {"fields": ["deactivated_at", "deactivated_reason"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "invited_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "scheme",
                    "role",
                    "organisation",
                    "password1",
                    "password2",
                ],  # fmt: skip
            },
        )
    ]


@admin.register(AccountRequest)
class AccountRequestAdmin(SimpleHistoryAdmin):
    """Read only: requests are decided by the scheme's coordinators and managers in ALIGNS."""

    list_display = ["full_name", "email", "scheme", "status", "created_at", "decided_at"]
    list_filter = ["scheme", "status"]
    search_fields = ["email", "full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
