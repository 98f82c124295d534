"""Bad input: a clear message next to the field, nothing stored, never a 500."""

import pytest
from django.core import mail
from django.urls import reverse

from petition.email_address import canonical_email
from petition.models import Signature

from .test_signing import VALID, sign

BAD_INPUT = [
    ("full_name", "", "This field is required."),
    ("full_name", "   ", "This field is required."),
    ("full_name", "x" * 121, "at most 120 characters"),
    ("full_name", "1234 !!", "Please enter your name."),
    ("full_name", '=HYPERLINK("http://evil")', "cannot start with"),
    ("full_name", "+44 Amara", "cannot start with"),
    ("full_name", "-Amara", "cannot start with"),
    ("full_name", "@Amara", "cannot start with"),
    ("full_name", "Amara\x07Bell", "control characters"),
    ("full_name", "Amara\u202eLind", "control characters"),
    ("full_name", "Amara\x00Lind", "Null characters are not allowed."),
    ("email", "", "This field is required."),
    ("email", "not-an-email", "Enter a valid email address."),
    ("email", "a@b", "Enter a valid email address."),
    ("email", "x" * 250 + "@example.org", "at most 254 characters"),
    ("country", "", "This field is required."),
    ("country", "XX", "Select a valid choice."),
    ("city", "c" * 81, "at most 80 characters"),
    ("city", "=1+1", "cannot start with"),
    ("organisation", "o" * 121, "at most 120 characters"),
    ("organisation", "@SUM(A1)", "cannot start with"),
    ("role", "r" * 121, "at most 120 characters"),
    ("role", "-2+3", "cannot start with"),
    ("comment", "c" * 501, "at most 500 characters"),
    ("comment", "=cmd|' /C calc'!A0", "cannot start with"),
    ("comment", "line\x1bescape", "control characters"),
    ("consent_processing", None, "We need your agreement"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_is_refused_next_to_the_field(client, petition, field, value, message):
    response = sign(client, petition, **{field: value})
    assert response.status_code == 200
    html = response.content.decode()
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert any(message in error for error in errors[field])
    # Crispy renders the message right under the field, tied to it by id.
    assert f'id="error_1_id_{field}"' in html
    assert "Nothing has been stored yet" in html
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_bad_input_keeps_what_was_typed(client, petition):
    response = sign(client, petition, email="not-an-email")
    html = response.content.decode()
    assert 'value="Amara Okonkwo-Lind"' in html
    assert 'value="not-an-email"' in html


def test_multiline_comment_and_non_latin_names_are_welcome(client, petition):
    response = sign(
        client,
        petition,
        full_name="عائشہ خان",
        comment="First line\nSecond line",
        organisation="Sindicato de Ejemplo – Sección 25",
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.full_name == "عائشہ خان"
    assert signature.comment == "First line\nSecond line"


def test_names_with_joiners_are_accepted(client, petition):
    # Persian and other scripts need the zero-width non-joiner.
    assert sign(client, petition, full_name="مهسا\u200cرضایی").status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"full_name": ["a", "b"], "email": ["x@example.org", "y@example.org"]},
        {"country": "I" * 5000},
    ],
)
def test_garbage_posts_never_500(client, petition, data):
    response = client.post(reverse("petition:sign", args=[petition.slug]), data)
    assert response.status_code == 200
    assert not Signature.objects.exists()


def test_invalid_utf8_never_500(client, petition):
    body = b"full_name=%ff%fe%fd&email=a%c3%28@example.org&country=IT&consent_processing=on"
    response = client.post(
        reverse("petition:sign", args=[petition.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Signature.objects.exists()


def test_only_the_listed_fields_can_be_set(client, petition):
    sign(client, petition, status="approved", featured="on", show_name=None, emails_sent="0")
    signature = Signature.objects.get()
    assert signature.status == "pending"
    assert signature.featured is False


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("Amara@Example.org", "amara@example.org"),
        ("a.m.a.r.a@gmail.com", "amara@gmail.com"),
        ("A.Mara+tag+more@googlemail.com", "amara@gmail.com"),
        ("amara+x@example.org", "amara@example.org"),
        ("a.mara@example.org", "a.mara@example.org"),  # dots matter outside Gmail
        ("amara-x@yahoo.com", "amara@yahoo.com"),
        ("Amara+petition@pm.me", "amara@proton.me"),
        ("amara@protonmail.ch", "amara@proton.me"),
        ("amara@gmail.com.", "amara@gmail.com"),
        ("amara-x@example.org", "amara-x@example.org"),
        ("+amara@example.org", "+amara@example.org"),
    ],
)
def test_canonical_email(address, canonical):
    assert canonical_email(address) == canonical


def test_valid_fixture_is_valid(client, petition):
    assert sign(client, petition).status_code == 302
    assert VALID["email"] == Signature.objects.get().email
