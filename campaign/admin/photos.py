"""Photos in the back office: upload through the safe pipeline, see where each is used, erase.

Every file arrives through `campaign.photo_fields` (checked and re-encoded by lib.images while
the form validates, so a refused file never touches storage). `PhotoUploadsMixin` stores the
cleaned images when the admin saves and makes sure nothing is half-saved: if the save fails
after a file was written, the files written during that request are deleted again.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.models import Case, Photo, Update
from campaign.photo_fields import PhotoField

# Widths set as attributes: the admin has no stylesheet of ours, and no inline style is allowed.
THUMBNAIL_WIDTHS = {"small": 80, "large": 320}


def thumbnail_html(photo, size="small"):
    """An <img> of the photo's thumbnail for admin pages (same origin, so the CSP allows it)."""
    if not photo or not photo.thumbnail:
        return "-"
    return format_html(
        '<img src="{}" alt="{}" width="{}" loading="lazy">',
        photo.thumbnail.url,
        photo.caption,
        THUMBNAIL_WIDTHS[size],
    )


class PhotoUploadsMixin:
    """For ModelAdmins that turn cleaned `SafeImage`s into `Photo`s while saving.

    Call `self.store_photo(request, safe, caption)` from save_model/save_related. Rows are
    rolled back with the admin's transaction; this mixin removes the files of that request
    when the save does not complete.
    """

    def store_photo(self, request, safe, caption="", *, photo=None):
        """Write a SafeImage's files into `photo`, or into a new Photo that is saved too."""
        if photo is None:
            photo = Photo.from_safe_image(safe, caption)
        else:
            photo.write_files(safe)
        self._written_photos(request).append(photo)
        return photo

    @staticmethod
    def _written_photos(request):
        if not hasattr(request, "_chorus_written_photos"):
            request._chorus_written_photos = []
        return request._chorus_written_photos

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except BaseException:
            for photo in self._written_photos(request):
                photo.delete_files()
            raise


class PhotoAddForm(forms.ModelForm):
    upload = PhotoField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG or WebP. Location, camera details and any other metadata are removed "
            "before the photo is stored."
        ),
    )

    class Meta:
        model = Photo
        fields = ["caption"]


class PhotoChangeForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["caption"]


@admin.register(Photo)
class PhotoAdmin(PhotoUploadsMixin, admin.ModelAdmin):
    list_display = ["thumbnail_column", "caption", "usage", "dimensions", "created_at"]
    list_display_links = ["thumbnail_column", "caption"]
    search_fields = ["caption"]
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = ["preview", "dimensions", "usage", "created_at"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = PhotoChangeForm if obj else PhotoAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "caption"]
        return ["preview", "caption", "dimensions", "usage", "created_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                gallery_count=Count("updates", distinct=True),
                action_count=Count("actions", distinct=True),
                is_cover=Exists(Update.objects.filter(cover=OuterRef("pk"))),
                is_case_photo=Exists(Case.objects.filter(photo=OuterRef("pk"))),
            )
        )

    def save_model(self, request, obj, form, change):
        safe = form.cleaned_data.get("upload")
        if safe:
            self.store_photo(request, safe, photo=obj)
        super().save_model(request, obj, form, change)

    # Deleting removes the files too, once the deletion is committed.
    def delete_model(self, request, obj):
        obj.erase()

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            photo.erase()

    @admin.display(description=_("photo"))
    def thumbnail_column(self, obj):
        return thumbnail_html(obj)

    @admin.display(description=_("photo"))
    def preview(self, obj):
        if not obj or not obj.image:
            return "-"
        return format_html('<a href="{}">{}</a>', obj.image.url, thumbnail_html(obj, size="large"))

    @admin.display(description=_("size in pixels"))
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}" if obj.width else "-"

    @admin.display(description=_("used in"))
    def usage(self, obj):
        uses = []
        if getattr(obj, "is_cover", False):
            uses.append(str(_("a news cover")))
        if getattr(obj, "gallery_count", 0):
            uses.append(
                ngettext("%(count)d news gallery", "%(count)d news galleries", obj.gallery_count)
                % {"count": obj.gallery_count}
            )
        if getattr(obj, "action_count", 0):
            uses.append(
                ngettext(
                    "%(count)d solidarity action", "%(count)d solidarity actions", obj.action_count
                )
                % {"count": obj.action_count}
            )
        if getattr(obj, "is_case_photo", False):
            uses.append(str(_("a person's profile")))
        return ", ".join(uses) or _("not used")
