"""Deployment checks (`manage.py check --deploy`) for settings Chorus needs in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from lib.site_files import security_contact


@register(Tags.security, deploy=True)
def security_contact_is_set(app_configs, **kwargs):
    if security_contact():
        return []
    return [
        Warning(
            "Nobody can report a vulnerability in this site: /.well-known/security.txt is missing.",
            hint="Set SECURITY_CONTACT (mailto: or https:) or ADMINS; see SECURITY.md.",
            id="chorus.W001",
        )
    ]


@register(Tags.security, deploy=True)
def error_reports_have_a_recipient(app_configs, **kwargs):
    if settings.ADMINS:
        return []
    return [
        Warning(
            "Server errors are reported to nobody.",
            hint="Set ADMINS to the addresses of the people who run this site.",
            id="chorus.W002",
        )
    ]
