"""Signing protection in the admin: the limits and switches, and the block and allow rules.

Moderators moderate but cannot change these settings: only superusers may (they may also
look at them, which moderators cannot). Saving clears the caches, so a switch such as
"pause signing" takes effect at once.
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import BlockRule, Protection
from ..models.protection import clear_protection_caches


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_protection_caches()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        clear_protection_caches()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        clear_protection_caches()


@admin.register(Protection)
class ProtectionAdmin(SuperuserOnlyAdmin):
    """One row: the changelist goes straight to it; it can be neither added nor deleted."""

    fieldsets = [
        (_("Switches"), {"fields": ["signing_paused", "under_attack"]}),
        (
            _("Rate limits"),
            {
                "fields": ["burst_limit", "sustained_limit", "min_fill_seconds"],
                "description": _(
                    "A signature over a limit is stored as suspected fraud: the sender sees "
                    "nothing different, and it does not count until a moderator releases it."
                ),
            },
        ),
        (_("Alerts to the staff"), {"fields": ["network_alert", "domain_alert"]}),
        (None, {"fields": ["updated_at"]}),
    ]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)  # Django refuses it
        protection, _created = Protection.objects.get_or_create(pk=1)
        return redirect(reverse("admin:petition_protection_change", args=[protection.pk]))


@admin.register(BlockRule)
class BlockRuleAdmin(SuperuserOnlyAdmin):
    list_display = ["value", "kind", "effect", "note", "created_at"]
    list_filter = ["effect", "kind"]
    search_fields = ["value", "note"]
    search_help_text = _("Search by value or note.")
    fields = ["kind", "value", "effect", "note"]
