from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ChorusAdminConfig(AdminConfig):
    """The admin, with Chorus' site (second factor, enrolment) as `admin.site`."""

    default_site = "config.admin_site.ChorusAdminSite"

    def ready(self):
        super().ready()  # autodiscover: every app registers its ModelAdmins first
        from config.admin_users import register_user_admin

        register_user_admin()


class ProjectConfig(AppConfig):
    """The project itself as an app: the commands that span petition and campaign (the demo,
    retention, the task worker) live in config/management/commands/."""

    name = "config"
    label = "chorus"
    verbose_name = "Chorus"

    def ready(self):
        from config import checks  # noqa: F401 (registers the deployment checks)
