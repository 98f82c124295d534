"""What the tests of the public pages share: their URLs, their text as a reader sees it."""

import re
from datetime import timedelta
from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from petition.models import Signature, Signer

PUBLIC_PAGES = ["detail", "signatures", "countries", "organisations", "count"]
STATUSES = ("approved", "confirmed", "pending", "rejected", "spam")
APPROVED, CONFIRMED, PENDING, REJECTED, SPAM = map(Signer.Status, STATUSES)


def url(name, petition, **query):
    path = reverse(f"petition:{name}", args=[petition.slug])
    return f"{path}?{urlencode(query)}" if query else path


def text_of(response):
    """The page as a reader sees it: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def confirmed_at(signature, minutes_ago):
    when = timezone.now() - timedelta(minutes=minutes_ago)
    Signature.objects.filter(pk=signature.pk).update(confirmed_at=when)


def rows(make, petition, fields, values, **common):
    """Create one signer per tuple in `values`, naming its items after `fields`."""
    return [
        make(petition, **common, **dict(zip(fields.split(), row, strict=True))) for row in values
    ]


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)
