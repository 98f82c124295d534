from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from petition.models import Petition, Signature, Signer
from petition.retention import apply_retention


def age(signature, days):
    Signature.objects.filter(pk=signature.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


@pytest.mark.django_db
def test_unconfirmed_signatures_are_deleted_after_n_days(petition, make_signature, settings):
    settings.RETENTION_UNCONFIRMED_DAYS = 30
    old = make_signature(petition, status=Signer.Status.PENDING, ip_hash="a" * 32)
    fresh = make_signature(petition, status=Signer.Status.PENDING)
    confirmed = make_signature(petition, status=Signer.Status.CONFIRMED)
    age(old, 31)
    age(confirmed, 400)
    report = apply_retention()
    assert report.unconfirmed_deleted == 1
    assert set(Signature.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert petition.compute_counts()["total"] == 1


@pytest.mark.django_db
def test_ip_hashes_are_dropped_after_n_days(petition, make_signature, settings):
    settings.RETENTION_IP_HASH_DAYS = 30
    old = make_signature(petition, ip_hash="a" * 32)
    fresh = make_signature(petition, ip_hash="b" * 32)
    age(old, 31)
    assert apply_retention().ip_hashes_dropped == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.ip_hash == "" and fresh.ip_hash == "b" * 32


@pytest.mark.django_db
def test_signers_are_anonymised_months_after_the_petition_closed(
    make_petition, make_signature, make_organisation, settings
):
    settings.RETENTION_ANONYMISE_MONTHS = 6
    closed = make_petition(
        status=Petition.Status.CLOSED, closes_at=timezone.now() - timedelta(days=200)
    )
    recent = make_petition(
        status=Petition.Status.CLOSED, closes_at=timezone.now() - timedelta(days=20)
    )
    public = make_signature(
        closed, full_name="Public Person", city="Lyon", comment="Hi",
        email="public@example.org", show_name=True, role="Secretary",
    )  # fmt: skip
    hidden = make_signature(
        closed, full_name="Hidden Person", email="hidden@example.org",
        show_name=False, organisation="Secret Org",
    )  # fmt: skip
    kept = make_signature(recent, email="kept@example.org")
    organisation = make_organisation(closed, contact_name="Contact Person")
    moderator = User.objects.create_user("mod")
    LogEntry.objects.log_actions(moderator.pk, [hidden], CHANGE, "Approved")
    total_before = closed.compute_counts()["total"]

    call_command("apply_retention", verbosity=0)

    public.refresh_from_db()
    hidden.refresh_from_db()
    organisation.refresh_from_db()
    assert (public.full_name, public.role, public.country) == ("Public Person", "Secretary", "IT")
    assert public.email == "" and public.city == "" and public.comment == ""
    assert public.email_canonical.startswith("anonymised-")
    assert hidden.full_name == "" and hidden.organisation == "" and hidden.email == ""
    assert organisation.email == "" and organisation.contact_name == ""
    assert organisation.name  # organisations signed publicly
    assert Signature.objects.get(pk=kept.pk).email == "kept@example.org"
    assert closed.compute_counts()["total"] == total_before
    assert not LogEntry.objects.filter(object_repr="Hidden Person").exists()
    assert apply_retention().signers_anonymised == 0  # nothing left to do
