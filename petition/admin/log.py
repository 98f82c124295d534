"""The moderation log: who approved, rejected, featured or edited what, and when."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


@admin.register(LogEntry)
class ModerationLogAdmin(admin.ModelAdmin):
    """Read-only: who approved, rejected, featured or edited what, and when."""

    list_display = ["action_time", "user", "content_type", "object_link", "message", "action_flag"]
    list_filter = [
        ("user", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "action_flag",
    ]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"
    search_fields = ["object_repr", "change_message"]
    search_help_text = _("Search by object name or message.")
    fields = readonly_fields = list_display

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        if not request.user.is_superuser:
            # Moderators see the moderation of the campaign, not user administration.
            entries = entries.filter(content_type__app_label__in=["petition", "campaign"])
        return entries

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Moderation log")} | (extra_context or {})
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, entry):
        url = entry.get_admin_url() if not entry.is_deletion() else None
        if url:
            return format_html('<a href="{}">{}</a>', url, entry.object_repr)
        return entry.object_repr

    @admin.display(description=_("change message"))
    def message(self, entry):
        return entry.get_change_message()
