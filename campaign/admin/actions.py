"""Solidarity actions in the back office: the moderation queue, editing, adding directly.

Reports from the public form wait here as "Awaiting review" until a moderator approves or
rejects them (in bulk, through campaign.actions.moderate_actions, logged per action). Every
public field can be corrected; photos are removed by unticking them (a photo nothing else uses
is erased, files included) and added through the safe image pipeline.

Privacy: the reporter's contact email is shown only to users with the
`campaign.view_action_contact` permission (not given to the Moderators group); the IP hash
only to superusers. Neither can be searched or filtered on without that right.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from campaign import actions as campaign_actions
from campaign.forms import ActionAdminForm
from campaign.models import Action
from lib.admin import APPROVED_DONE, REJECTED_DONE, ReviewQueueFilter, report_outcome
from lib.translations_admin import NeedsTranslationFilter, TranslatedAdmin

from .photos import PhotoUploadsMixin

CONTACT_PERMISSION = "campaign.view_action_contact"

DONE_MESSAGES = {Action.Status.APPROVED: APPROVED_DONE, Action.Status.REJECTED: REJECTED_DONE}


def can_see_contact(user):
    return user.has_perm(CONTACT_PERMISSION)


@admin.register(Action)
class ActionAdmin(PhotoUploadsMixin, TranslatedAdmin):
    form = ActionAdminForm
    list_display = [
        "thumbnail", "title", "kind", "organiser", "city", "country", "date", "status",
        "photo_count", "submitted_at", "translations_column",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        ReviewQueueFilter, "status", "kind", ("country", CountryFilter), "date",
        NeedsTranslationFilter,
    ]  # fmt: skip
    search_fields = ["translations__title", "organiser", "city", "translations__description"]
    search_help_text = _("Search by title, who did it, city or description.")
    date_hierarchy = "date"
    ordering = ["-submitted_at"]
    actions = ["approve", "reject"]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (
            _("What happened"),
            {
                "fields": [
                    "original_language",
                    "kind",
                    "title",
                    "date",
                    "country",
                    "city",
                    "place",
                    "organiser",
                    "description",
                    "statement",
                ]  # fmt: skip
            },
        ),
        (
            _("Photos and links"),
            {"fields": ["photos", "new_photos", "video_url", "source_url", "petition"]},
        ),
        (_("Moderation"), {"fields": ["status", "public_link", "submitted_at", "moderated_at"]}),
        (
            _("Private"),
            {
                "fields": ["contact_email", "ip_hash"],
                "description": _("Never shown publicly."),
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "photos":
            # Plain checkboxes, without the admin's "add another" button: this field only
            # removes photos (new ones come through the safe "Add photos" upload).
            return db_field.formfield(widget=forms.CheckboxSelectMultiple)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(photo_total=Count("photos"))
            .prefetch_related(campaign_actions.photos_in_order())
        )

    # Privacy ---------------------------------------------------------------------------

    def private_fields(self, request):
        hidden = set()
        if not can_see_contact(request.user):
            hidden.add("contact_email")
        if not request.user.is_superuser:
            hidden.add("ip_hash")
        return hidden

    def get_fieldsets(self, request, obj=None):
        hidden = self.private_fields(request)
        if obj is None:
            hidden |= {"photos", "public_link", "submitted_at", "moderated_at", "ip_hash"}
        fieldsets = []
        for name, options in self.fieldsets:
            fields = [field for field in options["fields"] if field not in hidden]
            if fields:
                fieldsets.append((name, options | {"fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["public_link", "submitted_at", "moderated_at", "ip_hash"]
        if obj is not None:
            readonly.append("contact_email")  # what the reporter gave; not for editing
        return readonly

    def get_search_fields(self, request):
        fields = list(self.search_fields)
        if can_see_contact(request.user):
            fields.append("contact_email")
        return fields

    def lookup_allowed(self, lookup, value, request):
        # Without this, ?contact_email__startswith=a would let anyone with access to the
        # list guess addresses one letter at a time.
        if lookup.split("__", 1)[0] in self.private_fields(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    # Columns and read-only fields ---------------------------------------------------------

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "-"
        return format_html(
            '<img src="{}" alt="" class="chorus-admin-thumb" width="80" loading="lazy">',
            photos[0].thumbnail.url,
        )

    @admin.display(description=_("photos"), ordering="photo_total")
    def photo_count(self, obj):
        return obj.photo_total

    @admin.display(description=_("public page"))
    def public_link(self, obj):
        if obj.pk and obj.status == Action.Status.APPROVED:
            url = obj.get_absolute_url()
            return format_html('<a href="{}">{}</a>', url, url)
        return _("Not public: only approved actions are shown.")

    # Saving -----------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            campaign_actions.add_by_moderator(obj)
            return
        if "status" in form.changed_data:
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        action = form.instance
        before = set(action.photos.all()) if change else set()
        super().save_related(request, form, formsets, change)
        for safe in form.cleaned_data.get("new_photos") or []:
            action.photos.add(self.store_photo(request, safe))
        removed = before - set(action.photos.all())
        if removed:
            campaign_actions.release_photos(removed)

    def delete_model(self, request, obj):
        photos = list(obj.photos.all())
        super().delete_model(request, obj)
        campaign_actions.release_photos(photos)

    def delete_queryset(self, request, queryset):
        photos = [photo for action in queryset for photo in action.photos.all()]
        super().delete_queryset(request, queryset)
        campaign_actions.release_photos(photos)

    # Moderation actions -------------------------------------------------------------------

    def _moderate(self, request, queryset, status):
        outcome = campaign_actions.moderate_actions(queryset, status, request.user)
        report_outcome(self, request, outcome, DONE_MESSAGES[status])

    @admin.action(
        permissions=["change"],
        description=_("Approve this %(verbose_name)s"),
        description_plural=_("Approve selected %(verbose_name_plural)s"),
    )
    def approve(self, request, queryset):
        self._moderate(request, queryset, Action.Status.APPROVED)

    @admin.action(
        permissions=["change"],
        description=_("Reject this %(verbose_name)s"),
        description_plural=_("Reject selected %(verbose_name_plural)s"),
    )
    def reject(self, request, queryset):
        self._moderate(request, queryset, Action.Status.REJECTED)
