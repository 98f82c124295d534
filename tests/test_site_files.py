from datetime import UTC, datetime, timedelta

import pytest
from django.core.checks import run_checks


@pytest.mark.django_db
def test_favicon_ico_points_at_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_away_from_personal_links(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for link in ("/confirm/", "/not-me/", "/manage/", "/unsubscribe/"):
        assert f"Disallow: /*{link}" in body
        for code, _name in settings.LANGUAGES:  # for crawlers that know no wildcard
            assert f"Disallow: /{code}{link}" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
    # The admin's address is not advertised.
    assert "admin" not in body


@pytest.mark.django_db
def test_security_txt_names_the_contact_and_expires_within_a_year(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@campaign.example.org"
    settings.SECURITY_POLICY_URL = "https://code.example.org/chorus/SECURITY.md"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@campaign.example.org"
    assert fields["Policy"] == "https://code.example.org/chorus/SECURITY.md"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    expires = datetime.fromisoformat(fields["Expires"])
    assert timedelta(days=30) < expires - datetime.now(UTC) < timedelta(days=365)


@pytest.mark.django_db
def test_security_txt_falls_back_to_the_admins_or_is_absent(client, settings):
    settings.SECURITY_CONTACT = ""
    settings.ADMINS = ["ops@campaign.example.org"]
    body = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: mailto:ops@campaign.example.org" in body
    assert "Policy:" not in body
    settings.ADMINS = []
    assert client.get("/.well-known/security.txt").status_code == 404


def test_deploy_check_warns_without_a_security_contact_or_admins(settings):
    settings.SECURITY_CONTACT, settings.ADMINS = "", []
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert {"chorus.W001", "chorus.W002"} <= ids
    settings.SECURITY_CONTACT, settings.ADMINS = "https://example.org/report", ["ops@example.org"]
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert not {"chorus.W001", "chorus.W002"} & ids
