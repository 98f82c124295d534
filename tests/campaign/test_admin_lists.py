"""The campaign's admin lists cost the same number of queries for 3 rows as for 15."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.models import Photo, Update
from tests.campaign.action_factories import jpeg_bytes, make_action, upload

pytestmark = pytest.mark.django_db


def make_update(n, photos):
    update = Update.objects.create(
        title=f"Update {n}",
        slug=f"update-{n}",
        lead="Lead.",
        body="Body.",
        status=Update.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=n),
        cover=photos[0] if photos else None,
    )
    update.gallery.set(photos)
    return update


def add_rows(model, start, count):
    for n in range(start, start + count):
        if model == "action":
            make_action(photos=1, status=["pending", "approved"][n % 2])
        elif model == "update":
            make_update(n, [Photo.from_upload(upload(jpeg_bytes()))])
        else:
            Photo.from_upload(upload(jpeg_bytes()), caption=f"Photo {n}")


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", ["action", "update", "photo"])
def test_changelist_query_count_is_constant(admin_client, media_root, model):
    path = f"/admin/campaign/{model}/"
    add_rows(model, 1, 3)
    few = count_queries(admin_client, path)
    add_rows(model, 4, 12)
    assert count_queries(admin_client, path) == few
