"""The people we campaign for, in the back office.

A case's current status is never edited directly. The moderator records a dated change
("new status", "date of the change", "public note"): `Case.change_status` adds it to the
history, with the moderator, and the latest change by date becomes the current status. The
history is listed below the form, read-only but for the public note; a wrong row may be
deleted, after which the status is recomputed from the rows that remain. Every change is in
the moderation log, e.g. "Status: detained → released since 2025-06-02."

Photos go through lib.images (PhotoField) before anything is stored. A photo that is replaced
or removed, or whose case is deleted, is erased, files included, unless something else uses it.
"""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import AdminDateWidget
from django.db import models
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableTabularInline

from campaign.models import Case, CaseStatusChange, CaseStatusChangeTranslation, Photo
from campaign.photo_fields import PhotoField
from lib.images import SafeImage
from lib.translations_admin import (
    NeedsTranslationFilter,
    TranslatedAdmin,
    TranslatedForm,
    TranslatedRelatedFilter,
)

STATUS_FIELDS = ("new_status", "status_date", "status_note")

STATUS_ADDED = _("Status: %(new)s since %(date)s.")
STATUS_CHANGED = _("Status: %(old)s → %(new)s since %(date)s.")
STATUS_CHANGED_UNDATED = _("Status: %(old)s → %(new)s.")
STATUS_REPEATED = _("Status: %(new)s, recorded again on %(date)s.")
STATUS_EARLIER = _(
    "Added an earlier entry to the history: %(recorded)s on %(date)s. Status: still %(new)s."
)


def photo_in_use(photo):
    """Whether any row (an update, an action, a case…) still refers to the photo."""
    for relation in Photo._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete:
            manager = relation.related_model._default_manager
            if manager.filter(**{relation.field.name: photo}).exists():
                return True
    return False


def erase_unused(photos):
    for photo in photos:
        if photo is not None and not photo_in_use(photo):
            photo.erase()


class CaseAdminForm(TranslatedForm):
    photo_upload = PhotoField(
        label=_("Photo"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP. Location and camera details are removed before it is stored."
        ),
    )
    new_status = forms.ChoiceField(
        label=_("New status"),
        choices=BLANK_CHOICE_DASH + Case.Status.choices,
        required=False,
        help_text=_(
            "Only when the person's situation changes: this adds a dated entry to the "
            "history below, and the latest entry is the current status."
        ),
    )
    status_date = forms.DateField(
        label=_("Date of the change"),
        initial=timezone.localdate,
        required=False,
        widget=AdminDateWidget,
    )
    status_note = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=CaseStatusChangeTranslation._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown on the public page with the change."),
    )

    class Meta:
        model = Case
        fields = [
            "name", "slug", "original_language", "biography", "petitions", "is_public", "order",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.photo_id:
            self.initial["photo_upload"] = self.instance.photo.image
        if self.instance.pk is None and "new_status" in self.fields:
            # A new case starts its history: without it, it would show no date.
            self.fields["new_status"].required = True
            self.fields["new_status"].label = _("Status")
            self.fields["new_status"].help_text = _("Their situation as of the date below.")

    def clean_status_date(self):
        date = self.cleaned_data.get("status_date")
        if date and date > timezone.localdate():
            raise forms.ValidationError(
                _("The date of the change cannot be in the future."), code="future"
            )
        return date

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_status"):
            if not cleaned.get("status_date") and "status_date" not in self.errors:
                self.add_error(
                    "status_date",
                    forms.ValidationError(_("When did the status change?"), code="required"),
                )
        elif cleaned.get("status_note"):
            self.add_error(
                "new_status",
                forms.ValidationError(
                    _(
                        "Choose the status this note is about. To correct an earlier note, "
                        "edit it in the history below."
                    ),
                    code="note_without_status",
                ),
            )
        return cleaned


class StatusHistoryInline(TranslatableTabularInline):
    """The dated history: read-only but for the note (in the language of the case's tab); a
    wrong row may be deleted."""

    model = CaseStatusChange
    fields = ["status", "date", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["status", "date", "recorded_by", "recorded_at"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def has_add_permission(self, request, obj=None):
        return False  # new entries through "new status" above, so that they are dated and signed

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by").with_translations()


@admin.register(Case)
class CaseAdmin(TranslatedAdmin):
    form = CaseAdminForm
    inlines = [StatusHistoryInline]
    list_display = [
        "name", "status", "status_since", "is_public", "order", "translations_column",
    ]  # fmt: skip
    list_editable = ["order"]
    list_filter = [
        "status", "is_public", ("petitions", TranslatedRelatedFilter), NeedsTranslationFilter,
    ]  # fmt: skip
    search_fields = ["name", "translations__biography"]
    search_help_text = _("Search by name or biography.")
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["photo_preview", "current_status"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "photo_preview",
                    "photo_upload",
                    "original_language",
                    "biography",
                ]  # fmt: skip
            },
        ),
        (
            _("Status"),
            {
                "fields": ["current_status", *STATUS_FIELDS],
                "description": _(
                    "The public page shows the current status and the whole dated history."
                ),
            },
        ),
        (_("Publishing"), {"fields": ["is_public", "order", "petitions"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        adding = {"photo_preview", "current_status"}  # nothing to show yet
        return [
            (name, options | {"fields": [f for f in options["fields"] if f not in adding]})
            for name, options in self.fieldsets
        ]

    @admin.display(description=_("current photo"))
    def photo_preview(self, obj):
        if not obj.photo_id:
            return "-"
        return format_html('<img src="{}" alt="" width="160">', obj.photo.thumbnail.url)

    @admin.display(description=_("current status"))
    def current_status(self, obj):
        if not obj.status_since:
            return obj.get_status_display()
        return gettext("%(status)s since %(date)s") % {
            "status": obj.get_status_display(),
            "date": obj.status_since.isoformat(),
        }

    # Saving ---------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        form.status_before = obj.status if change else None
        old_photo = obj.photo if change and obj.photo_id else None
        upload = form.cleaned_data.get("photo_upload")
        new_photo = None
        if isinstance(upload, SafeImage):
            new_photo = obj.photo = Photo.from_safe_image(upload, caption=obj.name)
        elif upload is False:  # "clear" ticked
            obj.photo = None
        try:
            super().save_model(request, obj, form, change)
            if status := form.cleaned_data.get("new_status"):
                obj.change_status(
                    status,
                    form.cleaned_data["status_date"],
                    form.cleaned_data.get("status_note", ""),
                    user=request.user,
                    language=form.language_code,
                )
        except Exception:
            if new_photo is not None:
                new_photo.delete_files()
            raise
        if old_photo is not None and obj.photo_id != old_photo.pk:
            erase_unused([old_photo])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A deleted history row may have been the latest one: the status follows what is left.
        form.instance.refresh_status()

    def delete_model(self, request, obj):
        photo = obj.photo if obj.photo_id else None
        super().delete_model(request, obj)
        erase_unused([photo])

    def delete_queryset(self, request, queryset):
        photos = list(Photo.objects.filter(pk__in=queryset.values("photo")))
        super().delete_queryset(request, queryset)
        erase_unused(photos)

    # The moderation log ---------------------------------------------------------------------

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if not all(name in form.fields for name in STATUS_FIELDS):
            return message  # the list's editable "order" column
        # The status fields are not the case's fields: they are said as "Status: a → b".
        with translation.override(None):
            status_labels = {str(form.fields[name].label) for name in STATUS_FIELDS}
        parts = []
        for part in message:
            changed = part.get("changed")
            if changed is not None and "name" not in changed:
                changed["fields"] = [f for f in changed["fields"] if f not in status_labels]
                if not changed["fields"]:
                    continue
            parts.append(part)
        status = self.status_message(form)
        if not status:
            return parts
        text = LogEntry(change_message=json.dumps(parts)).get_change_message() if parts else ""
        return f"{text} {status}".strip()

    def status_message(self, form):
        case = form.instance
        before = getattr(form, "status_before", None)
        recorded = form.cleaned_data.get("new_status")
        values = {
            "old": Case.Status(before).label.lower() if before else "",
            "new": case.get_status_display().lower(),
            "date": case.status_since.isoformat() if case.status_since else "",
        }
        if before is None:
            return str(STATUS_ADDED % values) if recorded else ""
        if before != case.status:
            changed = STATUS_CHANGED if case.status_since else STATUS_CHANGED_UNDATED
            return str(changed % values)
        if recorded:
            values["date"] = form.cleaned_data["status_date"].isoformat()
            if recorded == case.status:
                return str(STATUS_REPEATED % values)
            values["recorded"] = Case.Status(recorded).label.lower()
            return str(STATUS_EARLIER % values)
        return ""
