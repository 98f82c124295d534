"""The back office's admin site: every page needs a session verified with a second factor
(settings.ADMIN_REQUIRE_2FA), on top of Django's staff check."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from lib import two_factor


class ChorusAdminSite(admin.AdminSite):
    login_template = "admin/login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        # django_otp's middleware sets otp_device from the session; its login() on enrolment.
        verified = getattr(request.user, "otp_device", None) is not None
        return verified or not two_factor.is_required()

    def login(self, request, extra_context=None):
        """Django's admin login, with the form that also asks for the code (config.admin_login)."""
        from config.admin_login import AdminLoginForm, AdminLoginView

        redirect_url = AdminLoginView().get_redirect_url(request) or reverse(
            "admin:index", current_app=self.name
        )
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(redirect_url)
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            "two_factor_required": two_factor.is_required(),
            REDIRECT_FIELD_NAME: redirect_url,
        }
        context.update(extra_context or {})
        request.current_app = self.name
        return AdminLoginView.as_view(
            extra_context=context,
            authentication_form=AdminLoginForm,
            template_name=self.login_template,
            admin_site=self,
        )(request)

    def get_urls(self):
        from config import admin_login

        return [
            path(
                "two-factor/enrol/",
                admin_login.enrol,
                {"admin_site": self},
                name="two_factor_enrol",
            ),
            path(
                "two-factor/",
                self.admin_view(admin_login.two_factor_settings),
                {"admin_site": self},
                name="two_factor",
            ),
            *super().get_urls(),
        ]
