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
from django.utils import timezone

from campaign.models import Action, Case, CaseStatusChange, Photo, Update
from petition.demo import DEMO_SLUG, moderator_password
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
        "cases": dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by()),
        "history": CaseStatusChange.objects.count(),
        "updates": dict(Update.objects.values_list("status").annotate(n=Count("pk")).order_by()),
        "actions": dict(Action.objects.values_list("status").annotate(n=Count("pk")).order_by()),
        "photos": Photo.objects.count(),
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo's photos are stored: in a temporary folder, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return {path for path in root.rglob("*") if path.is_file()}


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


def test_moderator_can_log_into_the_admin(demo, client, settings):
    settings.ADMIN_REQUIRE_2FA = False  # as `make run` sets it for the local demo
    moderator = get_user_model().objects.get(username="moderator")
    assert moderator.is_staff and moderator.is_active and not moderator.is_superuser
    assert moderator.groups.filter(name="Moderators").exists()
    credentials = {"username": "moderator", "password": moderator_password()}
    assert client.post(reverse("admin:login"), credentials, secure=True).status_code == 302
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert response.context["user"] == moderator


def test_running_twice_changes_nothing(demo):
    before = snapshot()
    output = load_demo()
    assert "Kept the existing" in output
    assert "/ur/p/free-the-seven/" in output  # a link per language it is translated into
    assert snapshot() == before
    assert before["counters"] == Signature.objects.counted().count()


def test_reset_rebuilds_the_same_campaign(demo, media_root, django_capture_on_commit_callbacks):
    before = snapshot()
    old_pk = demo.pk
    old_files = stored_files(media_root)
    old_case_pks = set(Case.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        load_demo("--reset")
    assert snapshot() == before
    assert Petition.objects.get(slug=DEMO_SLUG).pk != old_pk
    assert not old_case_pks & set(Case.objects.values_list("pk", flat=True))
    # The old photos' files are gone with them; as many new ones replace them.
    new_files = stored_files(media_root)
    assert not old_files & new_files
    assert len(new_files) == len(old_files) == 2 * Photo.objects.count()


# The campaign around the petition (campaign/demo.py) -------------------------------------


def test_seven_people_three_detained_four_released_one_by_one(demo):
    moderator = get_user_model().objects.get(username="moderator")
    cases = list(Case.objects.public())
    assert len(cases) == 7
    assert [(status, n) for status, _label, n in Case.objects.summary()] == [
        ("detained", 3),
        ("released", 4),
    ]
    taken = {case.history.order_by("date").first().date for case in cases}
    assert len(taken) == 1  # all seven taken on the same day
    released = sorted(case.status_since for case in cases if case.status == "released")
    assert len(set(released)) == 4 and min(released) > taken.pop()  # one by one
    for case in cases:
        assert case.photo and case.biography and "**" in case.biography
        assert list(case.petitions.all()) == [demo]
        history = list(case.history.all())
        assert history[-1].status == "detained" and history[-1].note
        assert {change.recorded_by for change in history} == {moderator}


def test_news_updates_two_published_one_scheduled_one_draft(demo):
    assert Update.objects.count() == 4
    published = list(Update.objects.published())
    assert len(published) == 2 and all(update.cover for update in published)
    scheduled = Update.objects.get(status="published", publish_at__gt=timezone.now())
    assert scheduled not in published
    assert Update.objects.filter(status="draft").count() == 1
    for update in Update.objects.all():
        assert update.lead and update.body
        assert list(update.petitions.all()) == [demo]
    assert any("**" in update.body for update in published)  # Markdown


def test_solidarity_actions_of_every_kind_around_the_world(demo, media_root):
    approved = Action.objects.public()
    assert 20 <= approved.count() <= 30
    assert approved.values("country").distinct().count() >= 12
    assert set(approved.values_list("kind", flat=True)) == set(Action.Kind.values)
    assert Action.objects.awaiting_moderation().count() == 3
    assert not approved.filter(moderated_at__isnull=True).exists()
    assert approved.filter(place__icontains="embassy of Meridia").count() >= 5
    for motion in approved.filter(kind=Action.Kind.MOTION):
        assert motion.statement
    assert approved.exclude(video_url="").exists() and approved.exclude(source_url="").exists()
    pictured = approved.filter(photos__isnull=False).distinct()
    assert pictured.count() >= 6
    assert Action.objects.awaiting_moderation().filter(photos__isnull=False).exists()
    assert not approved.filter(date__gt=timezone.localdate()).exists()
    slugs = list(Action.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs) and all(slugs)
    # Every photo went through the pipeline: stored as plain JPEGs without metadata.
    for path in stored_files(media_root):
        assert path.suffix == ".jpg"
        assert b"Exif" not in path.read_bytes()[:4096]


def test_campaign_data_is_added_to_an_existing_demo_petition(demo):
    """An installation with the petition from before the campaign app gets the campaign too."""
    Case.objects.all().delete()
    Action.objects.filter(kind=Action.Kind.MOTION).delete()
    output = load_demo()
    assert "Kept the existing demo petition" in output
    assert Case.objects.count() == 7
    assert Action.objects.filter(kind=Action.Kind.MOTION).count() >= 2
    assert "7 people we campaign for (3 detained, 4 released)" in output
    assert "created now: 7 people, 0 updates" in output


def test_campaign_pages_show_the_demo(demo, client):
    page = client.get(reverse("campaign:cases"))
    assert page.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "3 still detained , 4 released" in text
    assert "Idris Kaval" in text
    detail = client.get(demo.get_absolute_url()).content.decode()
    assert "chorus-case-summary" in detail


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
        *Action.objects.exclude(contact_email="").values_list("contact_email", flat=True),
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
        *Case.objects.values_list("name", flat=True),
        *Action.objects.values_list("organiser", flat=True),
    }
    assert not [name for name in names if name.casefold() in text]
    people = Signature.objects.exclude(status=Signer.Status.SPAM)
    surnames = {name.split()[-1] for name in people.values_list("full_name", flat=True)}
    surnames |= {name.split()[-1] for name in Case.objects.values_list("name", flat=True)}
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
