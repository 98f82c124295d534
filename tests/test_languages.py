"""Which language a reader gets: the link's first (/es/p/<slug>/), then the browser's; every page
offers itself in the others (switcher, hreflang, sitemap), and emails link to the signer's."""

import re
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from petition import mail as petition_mail
from petition.models import Petition, Signature
from tests.petition.test_signing import VALID

pytestmark = pytest.mark.django_db
SITE_URL = "https://petition.example.org"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def address(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def test_the_link_decides_the_language_whatever_the_browser_says(client, petition):
    response = client.get(address("es", "petition:detail", petition.slug), headers={
        "accept-language": "ur"})  # fmt: skip
    assert response["Content-Language"] == "es"
    assert '<html lang="es" dir="ltr">' in response.content.decode()


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [("es-MX,es;q=0.9", "es"), ("pt-BR,pt;q=0.9", "pt-br"), ("pt-PT", "pt-br"),
     ("ur-PK", "ur"), ("ja-JP", settings.LANGUAGE_CODE), ("", settings.LANGUAGE_CODE)],
)  # fmt: skip
def test_an_address_without_a_language_goes_to_the_browsers(
    client, petition, accept_language, language
):
    bare = address("en", "petition:detail", petition.slug).removeprefix("/en")
    response = client.get(bare, headers={"accept-language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == address(language, "petition:detail", petition.slug)


def head_links(html, rel):
    return re.findall(rf'<link rel="{rel}"(?: hreflang="([^"]+)")? href="([^"]+)">', html)


def test_every_page_names_its_versions_its_canonical_address_and_locale(client, settings, petition):
    settings.SITE_URL = SITE_URL
    pages = [
        ("campaign:home", ()), ("campaign:updates", ()), ("campaign:actions", ()),
        ("campaign:cases", ()), ("petition:index", ()), ("petition:detail", (petition.slug,)),
        ("petition:countries", (petition.slug,)),
    ]  # fmt: skip
    for name, args in pages:
        html = client.get(address("ur", name, *args) + "?utm_source=mail").content.decode()
        alternates = dict(head_links(html, "alternate"))
        for code, _name in settings.LANGUAGES:
            code_in_hreflang = code if "-" not in code else "pt-BR"
            assert alternates[code_in_hreflang] == SITE_URL + address(code, name, *args), name
        assert alternates["x-default"] == SITE_URL + address("en", name, *args).removeprefix("/en")
        # One address per page: a link tracker's query string is not part of it.
        assert head_links(html, "canonical") == [("", SITE_URL + address("ur", name, *args))]
        assert '<meta property="og:locale" content="ur_PK">' in html
        assert '<meta property="og:locale:alternate" content="es_ES">' in html


def test_the_canonical_address_keeps_what_makes_a_page_of_its_own(client, settings, petition):
    settings.SITE_URL = SITE_URL
    url = address("en", "petition:signatures", petition.slug)
    html = client.get(f"{url}?country=IT&page=1&fbclid=x").content.decode()
    assert head_links(html, "canonical") == [("", f"{SITE_URL}{url}?page=1&amp;country=IT")]


def test_the_switcher_lists_every_language_in_its_own_name(client, petition):
    html = client.get(address("de", "campaign:actions")).content.decode()
    switcher = html[html.index('<details class="chorus-languages">') :]
    switcher = switcher[: switcher.index("</details>")]
    names = re.findall(r'\slang="([^"]+)"[^>]*>([^<]+)</a>', switcher)
    assert dict(names) == {
        code: capfirst(translation.get_language_info(code)["name_local"])
        for code, _name in settings.LANGUAGES
    }
    assert '<span lang="de">Deutsch</span></summary>' in switcher


def test_the_sitemap_lists_each_public_page_in_every_language(client, settings, make_petition):
    settings.SITE_URL = SITE_URL
    open_petition = make_petition()
    draft = make_petition(status=Petition.Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own page
    locations = {url.findtext("s:loc", namespaces=SITEMAP): url for url in root}
    for code, _name in settings.LANGUAGES:
        entry = locations[SITE_URL + address(code, "petition:detail", open_petition.slug)]
        links = {
            link.get("hreflang"): link.get("href") for link in entry.findall("x:link", SITEMAP)
        }
        assert links["x-default"] == SITE_URL + f"/p/{open_petition.slug}/"
        assert len(links) == len(settings.LANGUAGES) + 1
        assert SITE_URL + address(code, "campaign:actions") in locations
    text = response.content.decode()
    assert draft.slug not in text
    assert "/signatures/" not in text  # lists of names are for readers, not for crawlers
    assert "testserver" not in text


def test_emails_link_to_the_pages_in_the_signers_language(
    client, petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address("es", "petition:sign", petition.slug), VALID)
    assert response["Location"] == address("es", "petition:check_email", petition.slug)
    (message,) = mail.outbox
    links = re.findall(r"http://testserver(/\S+/)", message.body)
    assert links and all(link.startswith("/es/") for link in links), links
    confirm = next(link for link in links if "/confirm/" in link)
    page = client.get(confirm).content.decode()
    assert '<html lang="es"' in page
    with translation.override("es"):
        assert translation.gettext("Confirm your signature") in page


def test_a_signer_in_a_language_since_replaced_gets_its_variant(petition, make_signature):
    """Signatures stored with "pt" before the site offered "pt-br" instead."""
    old = make_signature(petition, status=Signature.Status.PENDING, language="pt")
    new = make_signature(petition, status=Signature.Status.PENDING, language="pt-br")
    for signature in (old, new):
        petition_mail.send_confirmation_request(signature)
    old_message, new_message = mail.outbox
    assert "/pt-br/confirm/" in old_message.body
    assert old_message.subject == new_message.subject
    with translation.override("en"):
        petition_mail.send_confirmation_request(make_signature(petition, status="pending"))
    assert mail.outbox[2].subject != old_message.subject  # it was translated


def test_the_sign_form_never_guesses_the_country(client, petition):
    """An en-US phone in Karachi is not in the USA: the country starts unselected."""
    page = client.get(petition.get_absolute_url(), headers={"accept-language": "en-US"})
    select = re.search(r'<select name="country".*?</select>', page.content.decode(), re.S)
    assert '<option value="" selected>' in select.group()
    assert " selected>" not in select.group().replace('<option value="" selected>', "")


def test_a_moderator_chooses_the_back_offices_language(moderator_client):
    """The admin has no language in its paths: its menu keeps the choice in a cookie."""
    page = moderator_client.get("/admin/", headers={"accept-language": "en"}).content.decode()
    assert "Chorus moderation" in page
    assert '<option value="el" lang="el">Ελληνικά</option>' in page
    answer = moderator_client.post(
        reverse("set_language"), {"language": "el", "next": "/admin/petition/signature/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/petition/signature/"
    page = moderator_client.get("/admin/petition/signature/", headers={"accept-language": "en"})
    html = page.content.decode()
    assert '<html lang="el"' in html
    assert "Chorus moderation" not in html
    assert "Υπογραφές" in html  # the model's name, in our catalogue
    assert "Αποσύνδεση" in html  # "Log out", in Django's own


def test_the_login_page_offers_the_languages_too(client):
    page = client.get("/admin/login/", headers={"accept-language": "ne"}).content.decode()
    assert 'class="chorus-admin-language"' in page
    assert '<option value="ne" lang="ne" selected>' in page
