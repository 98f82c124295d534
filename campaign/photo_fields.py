"""Form fields for photo uploads: each file goes through lib.images before anything is stored."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.images import make_safe

ACCEPT = "image/jpeg,image/png,image/webp"


class PhotoField(forms.FileField):
    """One photo; cleans to a lib.images.SafeImage (not yet stored)."""

    widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        return make_safe(upload)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos at once; cleans to a list of SafeImage, naming the file that was refused."""

    widget = MultiplePhotoInput(attrs={"accept": ACCEPT})

    def __init__(self, *args, max_files=6, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("Please choose at most %(max)d photos.") % {"max": self.max_files},
                code="too_many",
            )
        safe, errors = [], []
        for upload in uploads:
            try:
                safe.append(make_safe(super().clean(upload, initial)))
            except ValidationError as error:
                errors.extend(
                    ValidationError(
                        _("%(file)s: %(problem)s") % {"file": upload.name, "problem": message}
                    )
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return safe
