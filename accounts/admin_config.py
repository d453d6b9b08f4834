"""django.contrib.admin's app config with the STAIRS site (installed in its place in settings).

Kept apart from accounts/apps.py, where a second AppConfig would be ambiguous, and from
accounts/admin_site.py, which needs the models and so cannot load this early.
"""

from django.contrib.admin.apps import AdminConfig


class StairsAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.StairsAdminSite"
