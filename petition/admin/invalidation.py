"""Bulk invalidation in the admin: draft the conditions, preview, run, watch, undo.

Saving the form (the "Preview" button) keeps a draft and shows how many signatures match
with a sample; "Run" starts the background run; while it runs the page refreshes itself;
"Undo" restores what the run changed. Run and Undo are POSTs to their own admin URLs (CSRF
checked by the admin site) that call petition/invalidation.py. Nobody deletes an
invalidation: it is the record an undo needs.
"""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lib.text_checks import TextChecksMixin
from lib.translations_admin import TranslatedRelatedFilter

from .. import invalidation as bulk
from ..models import Invalidation
from ..models.invalidation import AFFECTABLE_STATUSES, default_statuses
from .signers import can_see_contacts

SAMPLE_SIZE = 20
REFRESH_SECONDS = 3
CONDITIONS = [
    "petition", "ip_hash", "email_domain", "name_pattern", "country", "signed_after",
    "signed_before",
]  # fmt: skip
EFFECT = ["statuses", "new_status"]
RECORD = ["state", "progress", "created_by", "created_at", "run_by", "started_at", "finished_at"]
UNDO_RECORD = ["undone_by", "undone_at", "restored", "undo_skipped"]


class InvalidationForm(TextChecksMixin, forms.ModelForm):
    statuses = forms.MultipleChoiceField(
        label=_("Statuses affected"),
        choices=[(status.value, status.label) for status in AFFECTABLE_STATUSES],
        initial=default_statuses,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Signatures already rejected or marked as spam are never affected."),
        error_messages={"required": _("Choose at least one status.")},
    )

    class Meta:
        model = Invalidation
        fields = [*CONDITIONS, *EFFECT]


@admin.register(Invalidation)
class InvalidationAdmin(admin.ModelAdmin):
    form = InvalidationForm
    change_form_template = "admin/petition/invalidation/change_form.html"
    list_display = [
        "__str__", "petition", "conditions", "new_status", "state", "progress", "created_by",
        "created_at",
    ]  # fmt: skip
    list_filter = [("petition", TranslatedRelatedFilter), "state"]
    list_select_related = ["petition", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("petition__translations")

    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                _("Conditions"),
                {
                    "fields": CONDITIONS,
                    "description": _(
                        "A signature matches when it meets every condition given. Give at "
                        "least one besides the petition."
                    ),
                },
            ),
            (_("What to do"), {"fields": EFFECT}),
        ]
        if obj is not None:
            fieldsets.append((_("Record"), {"fields": [*RECORD, "error"] if obj.error else RECORD}))
        if obj is not None and (obj.undone_by_id or obj.restored or obj.undo_skipped):
            fieldsets.append((_("Undo"), {"fields": UNDO_RECORD}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [*CONDITIONS, *EFFECT, *RECORD, *UNDO_RECORD, "error"]
        return [*RECORD, *UNDO_RECORD, "error"]

    @admin.display(description=_("conditions"))
    def conditions(self, obj):
        parts = []
        for name in CONDITIONS[1:]:
            value = getattr(obj, name)
            if isinstance(value, datetime):
                value = localize(timezone.localtime(value))
            elif name == "country" and value:
                value = value.name
            if value:
                label = Invalidation._meta.get_field(name).verbose_name
                parts.append(f"{label}: {value}")
        return "; ".join(parts)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return _("%(processed)d of %(matched)d") % {
            "processed": obj.processed,
            "matched": obj.matched,
        }

    # Saving a draft -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.save()
            return
        # Only a draft changes, and only its conditions: never a stale copy of a running one.
        changed = {name: getattr(obj, name) for name in form.changed_data if name in form.fields}
        if changed:
            Invalidation.objects.filter(pk=obj.pk, state=Invalidation.State.DRAFT).update(**changed)

    def _stay(self, obj):
        return HttpResponseRedirect(reverse("admin:petition_invalidation_change", args=[obj.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request, _("Draft saved: check the preview, then run it."), messages.SUCCESS
        )
        return self._stay(obj)

    def response_change(self, request, obj):
        return self._stay(obj)

    # The page: preview, progress, buttons ---------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        invalidation = self.get_object(request, object_id)
        context = extra_context or {}
        if invalidation is not None:
            context |= self._status_context(request, invalidation)
        return super().change_view(request, object_id, form_url, context)

    def _status_context(self, request, invalidation):
        can_change = self.has_change_permission(request, invalidation)
        context = {
            "invalidation": invalidation,
            "can_edit_conditions": can_change and invalidation.is_editable,
            "can_run": can_change and invalidation.can_run,
            "can_undo": can_change and invalidation.can_undo,
            "refresh_seconds": REFRESH_SECONDS if invalidation.is_busy else None,
            "show_emails": can_see_contacts(request.user),
            "run_url": reverse("admin:petition_invalidation_run", args=[invalidation.pk]),
            "undo_url": reverse("admin:petition_invalidation_undo", args=[invalidation.pk]),
        }
        if invalidation.can_run and invalidation.has_conditions():
            matching = invalidation.matching_signatures()
            context["preview_count"] = matching.count()
            context["preview_sample"] = list(matching.order_by("-created_at", "-pk")[:SAMPLE_SIZE])
        return context

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(require_POST(view))

        return [
            path("<int:pk>/run/", wrap(self.run_view), name="petition_invalidation_run"),
            path("<int:pk>/undo/", wrap(self.undo_view), name="petition_invalidation_undo"),
            *super().get_urls(),
        ]

    def _changeable(self, request, pk):
        invalidation = get_object_or_404(Invalidation, pk=pk)
        if not self.has_change_permission(request, invalidation):
            raise PermissionDenied
        return invalidation

    def run_view(self, request, pk):
        invalidation = self._changeable(request, pk)
        if bulk.start_run(invalidation, request.user):
            self.message_user(
                request,
                _("The invalidation is running; this page shows its progress."),
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("This invalidation cannot be run in its present state."), messages.ERROR
            )
        return self._stay(invalidation)

    def undo_view(self, request, pk):
        invalidation = self._changeable(request, pk)
        if bulk.start_undo(invalidation, request.user):
            self.message_user(
                request,
                _(
                    "The invalidation is being undone. Signatures a moderator changed since "
                    "the run are left as they are."
                ),
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("There is nothing to undo in this invalidation."), messages.ERROR
            )
        return self._stay(invalidation)
