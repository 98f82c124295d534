"""Users in the admin: whether each has a second factor, and a superuser's way to reset it
(a lost phone) without a shell."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib import two_factor


class ChorusUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "has_second_factor"]
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(second_factor=Exists(confirmed))

    @admin.display(boolean=True, description=_("second factor"), ordering="second_factor")
    def has_second_factor(self, user):
        return user.second_factor

    def has_reset_second_factor_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    @admin.action(
        permissions=["reset_second_factor"],
        description=_("Reset the second factor (they set up a new one at their next login)"),
    )
    def reset_second_factor(self, request, queryset):
        users = list(queryset)
        two_factor.reset_devices(users)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d user was reset.",
                "The second factors of %(count)d users were reset.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


def register_user_admin():
    User = get_user_model()
    site = admin.site
    if site.is_registered(User):
        site.unregister(User)
    site.register(User, ChorusUserAdmin)
    # Devices hold the users' secrets: they are managed through the pages above, not edited.
    for model in (TOTPDevice, StaticDevice):
        if site.is_registered(model):
            site.unregister(model)
