"""After a failed submission, each sign form starts with an error summary: every error, each a
link to its field, and every field with an error points at it (aria-describedby)."""

import re

import pytest
from django.urls import reverse

from petition.models import Signature

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("view", "fields"),
    [
        ("petition:sign", ["full_name", "email", "country", "consent_processing"]),
        (
            "petition:sign_organisation",
            ["name", "kind", "country", "contact_name", "email", "consent_processing"],
        ),
    ],
)
def test_an_empty_submit_lists_each_error_as_a_link_to_its_field(client, petition, view, fields):
    page = client.post(reverse(view, args=[petition.slug]), {}).content.decode()
    summary = re.search(r'<div [^>]*id="error-summary".*?</div>', page, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert re.findall(r'href="#id_(\w+)"', summary) == fields
    for name in fields:
        field = re.search(rf'<(?:input|select|textarea)[^>]* name="{name}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field
        described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
        error_id = f"id_{name}_error"
        assert error_id in described
        assert f'id="{error_id}"' in page
    assert "js/error-summary.js" in page
    assert not Signature.objects.exists()


def test_no_summary_before_a_submission(client, petition):
    page = client.get(petition.get_absolute_url()).content.decode()
    assert 'id="error-summary"' not in page
    assert "error-summary.js" not in page


def test_help_text_and_error_are_both_described(client, petition):
    page = client.post(reverse("petition:sign", args=[petition.slug]), {}).content.decode()
    country = re.search(r'<select[^>]* name="country"[^>]*>', page).group(0)
    assert 'aria-describedby="id_country_helptext id_country_error"' in country


def test_a_label_that_ends_a_sentence_gets_no_colon(client, petition):
    page = client.post(reverse("petition:sign", args=[petition.slug]), {}).content.decode()
    assert ">Full name: This field is required.</a>" in page
    assert "the privacy notice explains. We need your agreement" in page
