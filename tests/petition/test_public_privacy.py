"""Nothing private on any public page; strict CSP, our origin only, languages, filters."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django_countries.fields import Country

from petition.models import Petition
from petition.templatetags.petition_tags import external_url, flag_url, markdown

from .public_pages import (
    APPROVED,
    CONFIRMED,
    PENDING,
    PUBLIC_PAGES,
    REJECTED,
    SPAM,
    rows,
    text_of,
    url,
)


# Privacy: nothing private on any public page
@pytest.fixture
def mixed_signers(petition, make_signature, make_organisation):
    """Every kind of signer on one petition, each carrying private details."""
    people = {
        "Visible Vera Quill": {"country": "IT", "role": "Delegate"},
        "Confirmed Carl Dune": {"country": "BR", "status": CONFIRMED},
        "Shy Sam Hollow": {"country": "DE", "show_name": False},
        "Pending Pat Moor": {"status": PENDING},
        "Rejected Rita Vale": {"status": REJECTED},
        "Spam Sid Crane": {"status": SPAM},
    }
    for name, fields in people.items():
        slug = name.lower().replace(" ", ".")
        private = {"email": f"{slug}@private-mail.example", "ip_hash": f"iphash{slug[:20]}"}
        make_signature(petition, full_name=name, featured=True, **private | fields)
    organisations = {
        "Approved Bakers Union": APPROVED,
        "Pending Dockers Guild": PENDING,
        "Confirmed Miners Lodge": CONFIRMED,
        "Rejected Printers Circle": REJECTED,
        "Spam Weavers League": SPAM,
    }
    for name, status in organisations.items():
        email = f"{name.lower().replace(' ', '.')}@private-org.example"
        private = {"contact_name": f"Contact of {name}", "email": email, "ip_hash": "iphashorg"}
        make_organisation(petition, name=name, status=status, **private)
    return {
        "visible": ["Visible Vera Quill", "Confirmed Carl Dune"],
        "hidden": ["Shy Sam Hollow", "Pending Pat Moor", "Rejected Rita Vale", "Spam Sid Crane"],
    }


def public_responses(client, petition):
    paths = [reverse("petition:index")] + [url(name, petition) for name in PUBLIC_PAGES]
    paths += [url("signatures", petition, country=code) for code in ("IT", "DE", "BR", "FR")]
    responses = {path: client.get(path) for path in paths}
    assert all(response.status_code == 200 for response in responses.values()), responses
    return responses


def test_no_public_page_shows_private_details(client, petition, mixed_signers):
    responses = public_responses(client, petition)
    for path, response in responses.items():
        content = response.content.decode()
        for private in ("@private-mail.example", "@private-org.example", "iphash", "Contact of"):
            assert private not in content, path
        for name in mixed_signers["hidden"]:
            assert name not in content, path
        for name in ("Pending Dockers", "Confirmed Miners", "Rejected Printers", "Spam Weavers"):
            assert name not in content, path
        assert "@" not in text_of(response), path

    detail = text_of(responses[url("detail", petition)])
    listing = text_of(responses[url("signatures", petition)])
    for name in mixed_signers["visible"]:
        assert name in listing
    assert "Visible Vera Quill (Delegate)" in detail
    assert "Approved Bakers Union" in detail
    assert "Someone from Germany" in listing


def test_approve_policy_hides_confirmed_names_until_approved(client, make_petition, make_signature):
    petition = make_petition(moderation=Petition.Moderation.APPROVE)
    names = [("Awaiting Wanda Reed", CONFIRMED), ("Approved Alma Stone", APPROVED)]
    rows(make_signature, petition, "full_name status", names, country="PK", featured=True)

    responses = public_responses(client, petition)
    for path, response in responses.items():
        assert "Awaiting Wanda Reed" not in response.content.decode(), path
    listing = text_of(responses[url("signatures", petition)])
    assert "Approved Alma Stone" in listing
    assert "Someone from Pakistan" in listing  # still counted
    assert "Approved Alma Stone" in text_of(responses[url("detail", petition)])
    assert client.get(url("count", petition)).json()["total"] == 2


# Front end rules: strict CSP, our origin only, languages, messages, template filters
def test_no_inline_script_or_style_and_only_our_files(client, petition, mixed_signers):
    for path, response in public_responses(client, petition).items():
        if response["Content-Type"].startswith("application/json"):
            continue
        content = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content), path
        assert not re.search(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=", content), path
        loaded = re.findall(r'<(?:script|img)[^>]*\ssrc="([^"]+)"', content)
        # Alternate-language and canonical links name pages, they load nothing.
        loaded += re.findall(
            r'<link(?![^>]*rel="(?:alternate|canonical)")[^>]*\shref="([^"]+)"', content
        )
        assert loaded, path
        assert all(source.startswith("/static/") for source in loaded), (path, loaded)


def test_base_layout_language_switcher_and_rtl(client, petition, make_signature):
    page = client.get(petition.get_absolute_url()).content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'name="csrfmiddlewaretoken"' not in page  # a page shared caches keep (lib/csrf.py)
    # The switcher: this very page in each language, as plain links.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            there = petition.get_absolute_url()
        assert re.search(rf'<a href="{there}" hreflang="[^"]+" lang="{code}"', page), code
    assert 'lang="en" aria-current="true"' in page
    assert "vendor/bootstrap/bootstrap.min.css" in page

    with translation.override("ur"):
        page = client.get(petition.get_absolute_url()).content.decode()
    assert '<html lang="ur" dir="rtl">' in page
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in page

    make_signature(petition, country="DE", show_name=False)
    cache.clear()
    with translation.override("de"):
        response = client.get(url("signatures", petition))
    assert '<html lang="de" dir="ltr">' in response.content.decode()
    assert "Deutschland" in text_of(response)  # country names come translated


def test_base_layout_renders_messages(rf):
    messages = [
        Message(constants.SUCCESS, "Thank you, your signature is confirmed."),
        Message(constants.ERROR, "This link has expired."),
    ]
    page = render_to_string("base.html", {"messages": messages}, request=rf.get("/"))
    assert '<div class="alert alert-success" role="status">Thank you' in page
    assert '<div class="alert alert-danger" role="alert">This link has expired.' in page


def test_template_filters():
    for good in ("https://union.example.org/", "http://union.example.org"):
        assert external_url(good) == good
    scripts = ["javascript:alert(1)", "JAVASCRIPT://x.example/%0aalert(1)", "data:text/html,hi"]
    for bad in [*scripts, "//union.example.org", "", None]:
        assert external_url(bad) == "", bad

    assert flag_url(Country("IT")) == "/static/flags/it.gif"
    assert flag_url("BR") == "/static/flags/br.gif"
    assert flag_url("") == flag_url("../x") == ""

    html = markdown('Free *them*\n\n<a href="javascript:x()" onclick="y()">link</a>')
    assert isinstance(html, SafeString)
    assert "<em>them</em>" in html
    assert "javascript:" not in html
    assert "onclick" not in html
