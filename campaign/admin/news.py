"""News updates in the back office: write, schedule, illustrate, preview.

Photos are uploaded right in the update's form: each file is checked and re-encoded while the
form validates (a refused file shows its error next to the field and nothing is stored), and
stored as a `Photo` when the update is saved (see PhotoUploadsMixin: nothing half-saved).
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign.models import Photo, Update
from campaign.photo_fields import MultiplePhotoField, PhotoField
from lib.translations_admin import (
    NeedsTranslationFilter,
    TranslatedAdmin,
    TranslatedForm,
    TranslatedRelatedFilter,
)

from .photos import PhotoUploadsMixin, thumbnail_html


class GalleryPhotoChoiceField(forms.ModelMultipleChoiceField):
    """The update's gallery as checkboxes, each labelled with the photo's thumbnail."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "chorus-admin-gallery-remove"})

    def label_from_instance(self, obj):
        return format_html("{} {}", thumbnail_html(obj), obj.caption or _("(no caption)"))


class UpdateAdminForm(TranslatedForm):
    cover_upload = PhotoField(
        label=_("Upload a cover photo"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP; it replaces the current cover. Location, camera details and "
            "all other metadata are removed before it is stored."
        ),
    )
    cover_caption = forms.CharField(
        label=_("Cover photo caption"),
        max_length=200,
        required=False,
        help_text=_("Describes the new cover photo for people who cannot see it."),
    )
    gallery_upload = MultiplePhotoField(
        label=_("Add photos to the gallery"),
        help_text=_("Choose one or several photos; metadata is removed from each."),
    )
    gallery_remove = GalleryPhotoChoiceField(
        label=_("Remove from the gallery"),
        queryset=Photo.objects.none(),
        required=False,
        help_text=_(
            "The photos stay under Photos, where they can be deleted for good, files included."
        ),
    )

    class Meta:
        model = Update
        fields = [
            "original_language", "title", "slug", "lead", "body", "status", "publish_at",
            "cover", "gallery", "petitions",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "cover" in self.fields:
            self.fields["cover"].help_text = _("Or a photo already under Photos, by its number.")
        if "gallery" in self.fields:
            self.fields["gallery"].help_text = _(
                "The numbers of the photos in the gallery, from Photos, separated by commas."
            )
        if self.instance.pk and "gallery_remove" in self.fields:
            self.fields["gallery_remove"].queryset = self.instance.gallery.order_by("created_at")


@admin.register(Update)
class UpdateAdmin(PhotoUploadsMixin, TranslatedAdmin):
    form = UpdateAdminForm
    list_display = [
        "title", "status", "publish_at", "is_live", "cover_thumbnail", "translations_column",
    ]  # fmt: skip
    list_filter = ["status", ("petitions", TranslatedRelatedFilter), NeedsTranslationFilter]
    list_select_related = ["cover"]
    search_fields = ["translations__title", "translations__lead", "translations__body"]
    date_hierarchy = "publish_at"
    filter_horizontal = ["petitions"]
    raw_id_fields = ["cover", "gallery"]
    readonly_fields = ["publication", "cover_preview", "created_at", "updated_at"]
    save_on_top = True

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]}  # parler's way for a translated field

    def get_fieldsets(self, request, obj=None):
        gallery = ["gallery_upload"]
        if obj is not None:
            gallery = ["gallery_remove", "gallery_upload", "gallery"]
        return [
            (None, {"fields": ["original_language", "title", "slug", "lead", "body"]}),
            (_("Publishing"), {"fields": ["status", "publish_at", "publication"]}),
            (
                _("Cover photo"),
                {"fields": ["cover_preview", "cover_upload", "cover_caption", "cover"]},
            ),
            (
                _("Photo gallery"),
                {
                    "fields": gallery,
                    "description": _(
                        "Every photo is shown on the public page of the update once it is "
                        "published. Make sure nobody in them can be put at risk."
                    ),
                },
            ),
            (_("Related petitions"), {"fields": ["petitions"]}),
            (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
        ]

    def save_model(self, request, obj, form, change):
        safe = form.cleaned_data.get("cover_upload")
        if safe:
            caption = form.cleaned_data.get("cover_caption") or obj.title
            obj.cover = self.store_photo(request, safe, caption)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        update = form.instance
        removed = form.cleaned_data.get("gallery_remove")
        if removed:
            update.gallery.remove(*removed)
        uploads = form.cleaned_data.get("gallery_upload") or []
        added = [self.store_photo(request, safe) for safe in uploads]
        if added:
            update.gallery.add(*added)

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    @admin.display(boolean=True, description=_("published now?"))
    def is_live(self, obj):
        return obj.is_published()

    @admin.display(description=_("cover"))
    def cover_thumbnail(self, obj):
        return thumbnail_html(obj.cover)

    @admin.display(description=_("current cover"))
    def cover_preview(self, obj):
        return thumbnail_html(obj.cover, size="large") if obj and obj.cover_id else "-"

    @admin.display(description=_("on the site"))
    def publication(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the update to preview it.")
        if obj.is_published():
            state = _("Published: everyone can read it.")
            link = _("View on the site")
        elif obj.status == Update.Status.PUBLISHED:
            when = date_format(timezone.localtime(obj.publish_at), "DATETIME_FORMAT")
            state = _("Scheduled: it appears on %(date)s.") % {"date": when}
            link = _("Preview")
        else:
            state = _("Draft: only the campaign team can see it.")
            link = _("Preview")
        return format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            state,
            obj.get_absolute_url(),
            link,
        )
