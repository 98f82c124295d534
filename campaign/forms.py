"""The public form "Report your solidarity action", and the admin's form for actions."""

from datetime import timedelta
from urllib.parse import urlsplit

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from parler.forms import TranslatableModelForm

from lib.text_checks import TextChecksMixin
from lib.translations_admin import TranslatedForm
from petition.models import Petition

from .models import Action, Photo
from .photo_fields import MultiplePhotoField

MAX_PHOTOS = 6
ADMIN_THUMBNAIL_WIDTH = 120
# Reports of actions older than this are refused: almost surely a typo in the year.
OLDEST_YEARS = 10

PUBLIC_FIELDS = [
    "kind", "title", "organiser", "city", "country", "date", "place", "description",
    "statement", "video_url", "source_url", "petition",
]  # fmt: skip


def earliest_date(today):
    try:
        return today.replace(year=today.year - OLDEST_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - OLDEST_YEARS, day=28)


def check_web_address(url):
    """Only plain http(s) addresses: never javascript:, data: or ftp:."""
    if url:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise forms.ValidationError(
                _("Enter a web address starting with https://"), code="scheme"
            )
    return url


class ActionFieldsMixin(TextChecksMixin):
    """What the public form and the admin's form check alike."""

    multiline_fields = ("description", "statement")

    def setup_fields(self):
        if "country" in self.fields:
            self.fields["country"].choices = [("", _("Choose a country"))] + [
                choice for choice in self.fields["country"].choices if choice[0]
            ]
        if "date" in self.fields:
            self.fields["date"].widget = forms.DateInput(
                format="%Y-%m-%d", attrs={"type": "date", "max": self.latest_date().isoformat()}
            )

    @staticmethod
    def latest_date():
        # Tomorrow in UTC is already today for someone east of here.
        return timezone.localdate() + timedelta(days=1)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > self.latest_date():
            raise forms.ValidationError(
                _("This date is in the future: please report an action once it has happened."),
                code="future",
            )
        oldest = earliest_date(timezone.localdate())
        if value < oldest:
            raise forms.ValidationError(
                _("Please check the year: the date cannot be before %(date)s.")
                % {"date": oldest.isoformat()},
                code="too_old",
            )
        return value

    def clean_video_url(self):
        return check_web_address(self.cleaned_data["video_url"])

    def clean_source_url(self):
        return check_web_address(self.cleaned_data["source_url"])


class ActionReportForm(ActionFieldsMixin, TranslatableModelForm):
    """Anyone may report an action; it waits for a moderator before anything is public."""

    photos = MultiplePhotoField(
        label=_("Photos"),
        max_files=MAX_PHOTOS,
        # Formatted lazily: formatting here would freeze the help in the language of the import.
        help_text=format_lazy(
            _(
                "Optional: up to {max} photos, JPEG, PNG or WebP. We remove location and camera "
                "data from every photo. Please think of the people in them: if showing their "
                "faces could put them at risk, choose another photo."
            ),
            max=MAX_PHOTOS,
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the campaign team stores this report to review it and, if they "
            "approve it, publish everything in it except my email address."
        ),
        help_text=_(
            "Your email address is seen only by the campaign team, to ask you about the "
            "report. Your IP address is stored only as a keyed hash, to spot floods."
        ),
        error_messages={"required": _("We need your agreement to store your report.")},
    )

    class Meta:
        model = Action
        fields = [*PUBLIC_FIELDS, "contact_email"]
        labels = {"contact_email": _("Your email address (private)")}
        help_texts = {
            "title": _('e.g. "Picket at the embassy", "Motion passed by our branch"'),
            "organiser": _("An organisation or group, or a person who agrees to be named."),
            "city": _("Where it took place."),
            "description": _("What happened: who took part, what was said or done."),
            "video_url": _("Optional: a link to a video of the action."),
            "source_url": _("Optional: a link to a report, post or article about it."),
            "contact_email": _(
                "Never shown publicly. The campaign team may write to you about this report."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
            "statement": forms.Textarea(attrs={"rows": 4, "maxlength": 6000}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "organiser": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_email": forms.EmailInput(
                attrs={"autocomplete": "email", "inputmode": "email"}
            ),
            "video_url": forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
            "source_url": forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
        }

    field_order = [
        "kind", "title", "date", "country", "city", "place", "organiser", "description",
        "statement", "photos", "video_url", "source_url", "petition", "contact_email", "consent",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Reported in the language of the page: that is the text's original.
        self.instance.original_language = self.language_code
        self.setup_fields()
        self.fields["contact_email"].required = True
        self.fields["kind"].choices = [("", _("Choose one"))] + [
            choice for choice in self.fields["kind"].choices if choice[0]
        ]
        self._setup_petition()

    def _setup_petition(self):
        """A select of the public petitions; hidden when there is only one, gone if none."""
        petitions = list(Petition.objects.public().order_by("-opens_at", "pk"))
        field = self.fields["petition"]
        if not petitions:
            del self.fields["petition"]
        elif len(petitions) == 1:
            field.queryset = Petition.objects.filter(pk=petitions[0].pk)
            field.widget = forms.HiddenInput()
            field.initial = petitions[0].pk
        else:
            field.queryset = Petition.objects.public().with_translations()
            field.label = _("Which petition is it for?")
            field.empty_label = _("None in particular")


class ActionAdminForm(ActionFieldsMixin, TranslatedForm):
    """Moderators edit every public field, remove photos by unticking them, add new ones."""

    new_photos = MultiplePhotoField(
        label=_("Add photos"),
        max_files=MAX_PHOTOS,
        help_text=_("JPEG, PNG or WebP; location and camera data are removed."),
    )

    class Meta:
        model = Action
        fields = ["original_language", *PUBLIC_FIELDS, "photos", "status", "contact_email"]
        widgets = {"photos": forms.CheckboxSelectMultiple}  # (the admin keeps it unwrapped)
        help_texts = {
            "photos": _(
                "Untick a photo to remove it; a removed photo that nothing else uses is deleted."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()
        if not self.instance.pk:
            if "date" in self.fields:
                self.fields["date"].initial = timezone.localdate
            if "status" in self.fields:
                self.fields["status"].initial = Action.Status.APPROVED
        if "photos" in self.fields:
            # Only this action's photos: the field removes photos, it never picks others.
            field = self.fields["photos"]
            field.queryset = (
                self.instance.photos.order_by("created_at", "pk")
                if self.instance.pk
                else Photo.objects.none()
            )
            field.required = False
            field.label_from_instance = photo_label


def photo_label(photo):
    """A photo's checkbox in the admin: its thumbnail, and its caption if it has one.

    The width attribute (not a style: the CSP allows none) keeps the 480-pixel thumbnail small.
    """
    return format_html(
        '<img src="{}" alt="" class="chorus-admin-thumb" width="{}" loading="lazy"> {}',
        photo.thumbnail.url,
        ADMIN_THUMBNAIL_WIDTH,
        photo.caption,
    )
