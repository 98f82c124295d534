import pytest

from petition.models import Signature, SignatureCount, Signer


@pytest.mark.django_db
def test_counters_follow_every_status_change(petition, make_signature):
    pending = make_signature(petition, status=Signer.Status.PENDING, country="IT")
    make_signature(petition, status=Signer.Status.CONFIRMED, country="IT")
    make_signature(petition, status=Signer.Status.APPROVED, country="BR")
    make_signature(petition, status=Signer.Status.SPAM, country="BR")
    assert petition.compute_counts()["total"] == 2

    assert pending.confirm() is True
    assert pending.confirm() is False  # a second click changes nothing
    assert petition.compute_counts()["by_country"] == {"IT": 2, "BR": 1}

    Signature.objects.filter(petition=petition, country="IT").change_status(Signer.Status.REJECTED)
    counts = petition.compute_counts()
    assert counts["total"] == 1
    assert counts["countries"] == 1

    Signature.objects.filter(petition=petition).erase()
    assert petition.compute_counts()["total"] == 0
    assert SignatureCount.rebuild(petition) is False


@pytest.mark.django_db
def test_rebuild_repairs_drift(petition, make_signature):
    make_signature(petition, country="DE")
    make_signature(petition, country="DE")
    SignatureCount.objects.filter(petition=petition).update(signatures=99)
    assert SignatureCount.rebuild(petition) is True
    assert petition.compute_counts()["by_country"] == {"DE": 2}
    assert SignatureCount.rebuild(petition) is False
