"""What the tests of the people we campaign for share: dates, page text, stored files."""

import re
from datetime import timedelta
from html import unescape

from django.urls import reverse
from django.utils import timezone

from campaign.models import Case

Status = Case.Status
CASES = reverse("campaign:cases")
CHANGELIST = reverse("admin:campaign_case_changelist")
ADD = reverse("admin:campaign_case_add")
TODAY = timezone.localdate()
TAKEN = TODAY - timedelta(days=40)
MEDIA_SECRETS = (b"XMP-SECRET-LOCATION", b"COMMENT-SECRET", b"IPTC-SECRET", b"SecretCam", b"Exif")


def text_of(response):
    """The visible text of a page, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def change_url(case):
    return reverse("admin:campaign_case_change", args=[case.pk])


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())
