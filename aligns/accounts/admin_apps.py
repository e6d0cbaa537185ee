"""The admin app, with ALIGNS's admin site (aligns/accounts/admin_site.py) as `admin.site`.

Kept apart from the site itself: Django imports this while loading apps, before models exist.
"""

from django.contrib.admin.apps import AdminConfig


class AlignsAdminConfig(AdminConfig):
    default_site = "aligns.accounts.admin_site.AlignsAdminSite"
