import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from petition.management.commands.load_demo import DEMO_SLUG, moderator_password
from petition.models import Organisation, Petition, Signature, SignatureCount, Signer

EXAMPLE_CAMPAIGN = Path(__file__).resolve().parents[2].parent / "shared" / "campaign-example.txt"


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything load_demo creates, as comparable numbers."""
    return {
        "petitions": Petition.objects.count(),
        "signatures": dict(
            Signature.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
        ),
        "organisations": dict(
            Organisation.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
        ),
        "counters": sum(SignatureCount.objects.values_list("signatures", flat=True)),
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
    }


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    load_demo()
    return Petition.objects.get(slug=DEMO_SLUG)


def test_builds_one_open_petition_with_a_realistic_crowd(demo, settings):
    assert Petition.objects.count() == 1
    assert demo.status == Petition.Status.OPEN
    assert demo.moderation == Petition.Moderation.APPROVE
    assert demo.goal == 5000
    assert demo.is_accepting_signatures()
    assert "1." in demo.demands and "**" in demo.demands  # Markdown

    signatures = Signature.objects.filter(petition=demo)
    assert signatures.count() >= 250
    assert signatures.counted().values("country").distinct().count() >= 10
    statuses = set(signatures.values_list("status", flat=True))
    assert statuses == set(Signer.Status.values) - {Signer.Status.SUSPECTED}
    assert signatures.filter(status=Signer.Status.APPROVED).count() > signatures.count() / 2
    assert signatures.awaiting_moderation().exists()
    shown = signatures.filter(show_name=True).count() / signatures.count()
    assert 0.45 < shown < 0.75
    # Counted signatures were confirmed, over the past weeks; pending ones were not.
    assert not signatures.counted().filter(confirmed_at__isnull=True).exists()
    assert not signatures.filter(status=Signer.Status.PENDING, confirmed_at__isnull=False).exists()
    assert signatures.dates("created_at", "day").count() > 10
    assert not signatures.exclude(email_canonical__contains="@").exists()
    assert set(signatures.values_list("consent_version", flat=True)) == {
        settings.PRIVACY_NOTICE_VERSION
    }


def test_prominent_signatories_have_role_organisation_and_order(demo):
    prominent = list(Signature.objects.filter(petition=demo).prominent())
    assert 15 <= len(prominent) <= 30
    assert len({signature.country for signature in prominent}) >= 10
    for signature in prominent:
        assert signature.role and signature.organisation
        assert signature.credentials == f"{signature.role}, {signature.organisation}"
        assert signature.shows_name
    by_country = {}
    for signature in prominent:
        by_country.setdefault(signature.country.code, []).append(signature.featured_order)
    for orders in by_country.values():
        assert orders == list(range(1, len(orders) + 1))


def test_organisations_in_many_countries_mostly_approved(demo):
    organisations = Organisation.objects.filter(petition=demo)
    approved = organisations.filter(status=Signer.Status.APPROVED)
    assert organisations.count() >= 12
    assert approved.count() > organisations.count() / 2
    assert approved.values("country").distinct().count() >= 8
    assert organisations.awaiting_moderation().count() >= 2
    assert all(organisation.contact_name for organisation in organisations)


def test_counters_match_a_real_count(demo):
    counted = Signature.objects.filter(petition=demo).counted()
    assert SignatureCount.rebuild(demo) is False
    counts = demo.compute_counts()
    assert counts["total"] == counted.count()
    assert counts["by_country"] == dict(
        counted.values_list("country").annotate(n=Count("pk")).values_list("country", "n")
    )
    assert counts["organisations"] == demo.organisations.filter(status="approved").count()


def test_moderator_can_log_into_the_admin(demo, client):
    moderator = get_user_model().objects.get(username="moderator")
    assert moderator.is_staff and moderator.is_active and not moderator.is_superuser
    assert moderator.groups.filter(name="Moderators").exists()
    assert client.login(username="moderator", password=moderator_password())
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert response.context["user"] == moderator


def test_running_twice_changes_nothing(demo):
    before = snapshot()
    output = load_demo()
    assert "Kept the existing" in output
    assert snapshot() == before
    assert before["counters"] == Signature.objects.counted().count()


def test_reset_rebuilds_the_same_campaign(demo):
    before = snapshot()
    old_pk = demo.pk
    load_demo("--reset")
    assert snapshot() == before
    assert Petition.objects.get(slug=DEMO_SLUG).pk != old_pk


def test_reset_refuses_to_delete_real_signatures(demo, make_signature):
    make_signature(demo, email="someone@real-provider.example.com")
    with pytest.raises(CommandError, match="not \\(only\\) demo data"):
        load_demo("--reset")
    assert Petition.objects.filter(pk=demo.pk).exists()


@pytest.mark.django_db
def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        load_demo()
    assert not Petition.objects.exists()
    assert not get_user_model().objects.exists()

    load_demo("--force")
    assert Petition.objects.filter(slug=DEMO_SLUG).exists()


@pytest.mark.django_db
def test_print_password_prints_only_the_password_and_creates_nothing(settings):
    settings.DEBUG = False  # it changes nothing, so it needs no --force
    output = load_demo("--print-password")
    password = output.strip()
    assert output == password + "\n"
    assert len(password) >= 12 and re.fullmatch(r"[\w-]+", password)
    assert password == moderator_password()
    assert not Petition.objects.exists()
    assert not get_user_model().objects.exists()
    # Derived from SECRET_KEY: another installation gets another password.
    settings.SECRET_KEY = "another-installation-" + "k" * 40
    assert load_demo("--print-password").strip() != password


def test_demo_addresses_are_only_at_example_domains(demo):
    addresses = [
        *Signature.objects.values_list("email", flat=True),
        *Organisation.objects.values_list("email", flat=True),
        *get_user_model().objects.values_list("email", flat=True),
    ]
    assert addresses
    for address in addresses:
        assert address.rpartition("@")[2] in ("example.org", "example.net"), address


def test_demo_people_are_invented(demo):
    if not EXAMPLE_CAMPAIGN.exists():
        pytest.skip("shared/campaign-example.txt is not beside the project")
    text = EXAMPLE_CAMPAIGN.read_text().casefold()
    names = {
        *Signature.objects.values_list("full_name", flat=True),
        *Organisation.objects.values_list("name", flat=True),
        *Organisation.objects.values_list("contact_name", flat=True),
    }
    assert not [name for name in names if name.casefold() in text]
    people = Signature.objects.exclude(status=Signer.Status.SPAM)
    surnames = {name.split()[-1] for name in people.values_list("full_name", flat=True)}
    words = set(re.findall(r"\w+", text))
    assert not [surname for surname in surnames if surname.casefold() in words]


@pytest.mark.django_db
def test_rebuild_counts_reports_and_repairs_drift(petition, make_petition, make_signature):
    other = make_petition()
    make_signature(petition, country="IT")
    make_signature(petition, country="BR")
    make_signature(other, country="DE")
    SignatureCount.objects.filter(petition=petition, country="IT").update(signatures=7)

    out = StringIO()
    call_command("rebuild_counts", stdout=out)
    assert f"{petition.slug}: drifted: the counters said 8, the signatures say 2" in out.getvalue()
    assert other.slug not in out.getvalue()
    assert "1 of 2 petitions had drifted" in out.getvalue()
    assert petition.compute_counts()["by_country"] == {"IT": 1, "BR": 1}
    assert SignatureCount.rebuild(petition) is False

    out = StringIO()
    call_command("rebuild_counts", stdout=out)
    assert out.getvalue() == ""  # nothing to say: cron stays quiet


@pytest.mark.django_db
def test_rebuild_counts_for_one_petition(petition, make_petition, make_signature):
    other = make_petition()
    make_signature(other, country="DE")
    SignatureCount.objects.filter(petition=other).update(signatures=5)

    out = StringIO()
    call_command("rebuild_counts", "--petition", petition.slug, "-v", "2", stdout=out)
    assert f"{petition.slug}: exact (0)" in out.getvalue()
    assert "0 of 1 petitions had drifted" in out.getvalue()
    assert SignatureCount.rebuild(other) is True  # the other petition was left alone

    with pytest.raises(CommandError, match="Unknown petition slug: nope"):
        call_command("rebuild_counts", "--petition", "nope", stdout=StringIO())
