"""The public pages: what they show, what they must never show, and what they cost."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.cache import cache
from django.db import connection
from django.template.loader import get_template, render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.views.csrf import csrf_failure
from django.views.defaults import permission_denied
from django_countries.fields import Country

from petition.models import Petition, Signature, SignatureCount, Signer
from petition.templatetags.petition_tags import external_url, flag_url, markdown

PUBLIC_PAGES = ["detail", "signatures", "countries", "organisations", "count"]
STATUSES = ("approved", "confirmed", "pending", "rejected", "spam")
APPROVED, CONFIRMED, PENDING, REJECTED, SPAM = map(Signer.Status, STATUSES)


def url(name, petition, **query):
    path = reverse(f"petition:{name}", args=[petition.slug])
    return f"{path}?{urlencode(query)}" if query else path


def text_of(response):
    """The page as a reader sees it: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def confirmed_at(signature, minutes_ago):
    when = timezone.now() - timedelta(minutes=minutes_ago)
    Signature.objects.filter(pk=signature.pk).update(confirmed_at=when)


def rows(make, petition, fields, values, **common):
    """Create one signer per tuple in `values`, naming its items after `fields`."""
    return [
        make(petition, **common, **dict(zip(fields.split(), row, strict=True))) for row in values
    ]


@pytest.fixture
def max_queries(django_assert_max_num_queries):
    return django_assert_max_num_queries


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# Drafts and error pages
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_drafts_and_unknown_petitions_are_not_found(client, make_petition, name):
    draft = make_petition(status=Petition.Status.DRAFT, title="Secret draft wording")
    response = client.get(url(name, draft))
    assert response.status_code == 404
    assert "Secret draft wording" not in response.content.decode()
    assert client.get(reverse(f"petition:{name}", args=["no-such-petition"])).status_code == 404


def test_error_pages_are_friendly_and_leak_nothing(client, rf, db):
    response = client.get("/p/no-such-petition/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in response.content.decode()

    response = permission_denied(rf.get("/"), Exception("internal detail"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
    assert "internal detail" not in response.content.decode()

    response = csrf_failure(rf.post("/"), reason="CSRF cookie not set.")
    assert "Please try again" in response.content.decode()
    assert "CSRF cookie" not in response.content.decode()

    with CaptureQueriesContext(connection) as queries:
        page = get_template("500.html").render()  # no request, no context
    assert len(queries) == 0
    assert "Something went wrong" in page
    assert "css/chorus.css" in page


# Index
def test_index_lists_open_petitions_first(client, make_petition, make_signature, max_queries):
    closed = make_petition(title="Closed campaign", status=Petition.Status.CLOSED)
    open_old = make_petition(title="Older open campaign")
    Petition.objects.filter(pk=open_old.pk).update(opens_at=timezone.now() - timedelta(days=9))
    open_new = make_petition(title="Newer open campaign")
    make_petition(title="Unpublished draft campaign", status=Petition.Status.DRAFT)
    make_signature(open_new)
    make_signature(open_new)

    # Cold cache: the list, then the few counter reads of each petition's counts().
    with max_queries(1 + 3 * 3):
        response = client.get(reverse("petition:index"))
    page = response.content.decode()
    assert "Unpublished draft campaign" not in page
    positions = [page.index(p.title) for p in (open_new, open_old, closed)]
    assert positions == sorted(positions)
    assert open_new.get_absolute_url() in page
    assert '<progress class="chorus-progress" max="1000" value="2"' in page
    assert "2 signatures" in text_of(response)
    assert "Closed" in text_of(response)

    for _ in range(20):
        make_signature(open_old)
    # Warm cache (counts() is cached a few seconds): only the list itself.
    with max_queries(1):
        assert client.get(reverse("petition:index")).status_code == 200


# Detail
def test_detail_shows_petition_counter_and_form(
    client, petition, make_signature, make_organisation
):
    make_signature(petition, country="IT")
    make_signature(petition, country="DE")
    make_organisation(petition, country="BR")

    response = client.get(petition.get_absolute_url())
    page, text = response.content.decode(), text_of(response)
    assert petition.title in page
    assert petition.lead in page
    assert "To: the Government of Examplestan" in text
    assert "<li>Release them now</li>" in page  # the demands, rendered from Markdown
    assert f'data-count-url="{url("count", petition)}"' in page
    assert 'data-count="total">2<' in page
    assert "1 organisation" in text
    assert "from 3 countries" in text
    assert '<script src="/static/js/counter.js" defer>' in page
    assert 'id="sign-form"' in page  # templates/petition/_sign_form.html
    for name in ("sign", "sign_organisation", "signatures", "countries", "organisations"):
        assert url(name, petition) in page


def test_detail_demands_markdown_is_sanitised(client, make_petition):
    demands = "**Free them**\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))"
    petition = make_petition(demands=demands + '\n\n<img src=x onerror="alert(3)">')
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "<strong>Free them</strong>" in page
    assert "alert(1)</script>" not in page
    assert "javascript:" not in page
    assert "onerror" not in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Petition.Status.CLOSED}, "This petition is closed"),
        ({"closes_at": timezone.now() - timedelta(days=1)}, "This petition is closed"),
        ({"opens_at": timezone.now() + timedelta(days=2)}, "Signing has not opened yet"),
    ],
)
def test_detail_has_no_form_unless_accepting_signatures(client, make_petition, fields, message):
    petition = make_petition(**fields)
    response = client.get(petition.get_absolute_url())
    page = response.content.decode()
    assert message in page
    assert 'id="sign-form"' not in page
    assert "data-sign-bar" not in page
    assert url("sign_organisation", petition) not in page
    assert response.context["form"] is None


def test_prominent_signatories_grouped_by_country(client, petition, make_signature):
    fields = "country full_name role organisation featured_order show_name status"
    people = [
        ("IT", "Lucia Ferrantino", "National Committee", "Example Metal Union", 2, True, APPROVED),
        ("IT", "Bruno Castellaro", "Shop steward", "", 1, True, APPROVED),
        ("BR", "Ana Quintela Mota", "", "", 0, True, CONFIRMED),
        ("IT", "Featured But Private", "Delegate", "", 0, False, APPROVED),
        ("IT", "Featured But Pending", "Delegate", "", 0, True, PENDING),
    ]
    rows(make_signature, petition, fields, people, featured=True)
    make_signature(petition, country="IT", full_name="Not Featured Person")

    response = client.get(petition.get_absolute_url())
    groups = response.context["prominent_groups"]
    assert [(country.code, [s.full_name for s in people]) for country, people in groups] == [
        ("BR", ["Ana Quintela Mota"]),
        ("IT", ["Bruno Castellaro", "Lucia Ferrantino"]),
    ]
    text = text_of(response)
    section = text[text.index("Prominent signatories") : text.index("Recent signers")]
    assert "Brazil Ana Quintela Mota Italy Bruno Castellaro (Shop steward)" in section
    assert "Lucia Ferrantino (National Committee, Example Metal Union)" in section
    assert "Not Featured Person" not in section
    assert "Featured But Private" not in text
    assert "Featured But Pending" not in text


def test_organisations_grouped_by_country_with_safe_links(client, petition, make_organisation):
    orgs = [
        ("Example Teachers Federation", "MX", "https://teachers.example.org/", APPROVED),
        ("Example Student Assembly", "DE", "", APPROVED),
        ("Held Back Collective", "DE", "", CONFIRMED),
    ]
    rows(make_organisation, petition, "name country website status", orgs, statement="We stand.")

    response = client.get(petition.get_absolute_url())
    page = response.content.decode()
    groups = response.context["organisation_groups"]
    assert [country.code for country, _members in groups] == ["DE", "MX"]
    link = '<a href="https://teachers.example.org/" rel="nofollow noopener">'
    assert f"{link}Example Teachers Federation</a>" in page
    assert "We stand." in page
    assert "Trade union or union branch" in page
    assert "Example Student Assembly" in page
    assert "Held Back Collective" not in page


def test_recent_signers_show_names_only_with_consent(client, petition, make_signature):
    named = make_signature(petition, country="IT", full_name="Marta Olivenza")
    anonymous = make_signature(petition, country="DE", full_name="Quiet Person", show_name=False)
    confirmed_at(named, 5)
    confirmed_at(anonymous, 1)
    for minutes in range(20, 32):
        confirmed_at(make_signature(petition, full_name=f"Older Signer {minutes}"), minutes)

    response = client.get(petition.get_absolute_url())
    recent = response.context["recent_signers"]
    assert len(recent) == 10
    assert [s.pk for s in recent[:2]] == [anonymous.pk, named.pk]
    text = text_of(response)
    section = text[text.index("Recent signers") :]
    assert section.startswith("Recent signers Someone from Germany")
    assert "Marta Olivenza · Italy" in section
    assert "Quiet Person" not in text
    assert "Older Signer 31" not in text


def test_detail_query_count_is_constant(
    client, make_petition, make_signature, make_organisation, max_queries
):
    small, large = make_petition(), make_petition()
    for petition, n in ((small, 3), (large, 30)):
        for i in range(n):
            country, status = ("IT", "BR", "DE")[i % 3], (APPROVED, CONFIRMED)[i % 2]
            make_signature(petition, country=country, status=status, featured=i % 3 == 0)
            make_organisation(petition, country=("IT", "MX")[i % 2])

    small_queries = count_queries(client, small.get_absolute_url())
    assert small_queries == count_queries(client, large.get_absolute_url())
    cache.clear()
    with max_queries(8):  # petition, 3 for counts(), 3 lists, case summary
        client.get(large.get_absolute_url())


# Signatures list
def test_signatures_newest_first_with_names_only_when_shown(client, petition, make_signature):
    fields = "full_name city country role organisation show_name"
    people = [
        ("Elena Brisco", "Modena", "IT", "Shop steward", "Example Union", True),
        ("Hidden Hannah", "Secretville", "PK", "Covert role", "Hidden Org", False),
    ]
    old, new = rows(make_signature, petition, fields, people)
    confirmed_at(old, 10)
    confirmed_at(new, 1)

    response = client.get(url("signatures", petition))
    assert [s.pk for s in response.context["page"]] == [new.pk, old.pk]
    text = text_of(response)
    assert "2 signatures" in text
    assert "Someone from Pakistan" in text
    assert "Elena Brisco Modena, Italy · Shop steward, Example Union" in text
    for private in ("Hidden Hannah", "Secretville", "Covert role", "Hidden Org"):
        assert private not in text


def test_signatures_country_filter_and_pagination_keep_each_other(client, petition, make_signature):
    for i in range(55):
        confirmed_at(make_signature(petition, country="IT", full_name=f"Italian Signer {i}"), i)
    make_signature(petition, country="FR", full_name="French Signer")

    response = client.get(url("signatures", petition, country="IT"))
    page = response.context["page"]
    assert (len(page), page.paginator.num_pages) == (50, 2)
    assert "55 signatures from Italy" in text_of(response)
    content = response.content.decode()
    assert "French Signer" not in content
    assert 'href="?country=IT&amp;page=2"' in content
    assert '<option value="IT" selected>Italy (55)</option>' in content
    assert '<option value="FR">France (1)</option>' in content

    response = client.get(url("signatures", petition, country="it", page=2, per_page=1000))
    names = [s.full_name for s in response.context["page"]]
    assert names == [f"Italian Signer {i}" for i in range(50, 55)]
    assert 'href="?country=it&amp;page=1&amp;per_page=1000"' in response.content.decode()

    response = client.get(url("signatures", petition, per_page=1000))
    assert len(response.context["page"]) == 50  # the page size cannot be raised


def test_signatures_bad_page_or_country(client, petition, make_signature):
    make_signature(petition, country="IT")
    for query in ({"page": 2}, {"page": 0}, {"page": "abc"}, {"page": -1}, {"country": "XX"}):
        assert client.get(url("signatures", petition, **query)).status_code == 404, query
    response = client.get(url("signatures", petition, country="NP"))
    assert response.status_code == 200
    assert "No signatures from Nepal yet." in text_of(response)


def test_signatures_page_count_comes_from_the_counters(client, petition, make_signature):
    for _ in range(3):
        make_signature(petition, country="IT")
    # Pretend the counters say 120: the list trusts them and never counts rows.
    counters = SignatureCount.objects.filter(petition=petition)
    counters.update(signatures=0)
    counters.filter(pk=counters.first().pk).update(signatures=120)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("signatures", petition))
    assert response.context["page"].paginator.num_pages == 3
    assert "120 signatures" in text_of(response)
    assert not [q for q in queries if "COUNT(" in q["sql"].upper() and "signature" in q["sql"]]


def test_signatures_query_count_is_constant(client, make_petition, make_signature, max_queries):
    small, large = make_petition(), make_petition()
    for i in range(60):
        make_signature(large if i >= 3 else small, status=(APPROVED, CONFIRMED)[i % 2])
    for petition in (small, large):
        for path in (url("signatures", petition), url("signatures", petition, country="IT")):
            with max_queries(5):  # petition, 3 for counts(), one page
                assert client.get(path).status_code == 200


# Countries and organisations pages
def test_countries_sorted_by_count_and_linked_to_the_list(
    client, petition, make_signature, make_organisation, max_queries
):
    for country, n in (("DE", 1), ("IT", 3), ("BR", 2)):
        for _ in range(n):
            make_signature(petition, country=country)
    make_organisation(petition, country="MX")
    make_organisation(petition, country="IT")

    with max_queries(5):  # petition, 3 for counts(), organisations
        response = client.get(url("countries", petition))
    table = [
        (r["country"].code, r["signatures"], r["organisations"]) for r in response.context["rows"]
    ]
    assert table == [("IT", 3, 1), ("BR", 2, 0), ("DE", 1, 0), ("MX", 0, 1)]
    assert f'href="{url("signatures", petition)}?country=IT">Italy</a>' in response.content.decode()
    assert "Support from 4 countries." in text_of(response)

    for i in range(40):
        make_signature(petition, country=("IT", "BR", "DE", "FR", "NP")[i % 5])
    cache.clear()
    with max_queries(5):
        assert client.get(url("countries", petition)).status_code == 200


def test_organisations_page_lists_approved_ones(client, petition, make_organisation, max_queries):
    make_organisation(petition, name="Example Dockers Branch", country="GB")
    make_organisation(
        petition,
        name="Example Youth Front",
        country="BR",
        kind="student",
        statement="Solidarity from the youth.",
    )
    for status in (PENDING, REJECTED, SPAM):
        make_organisation(petition, name=f"Hidden {status} Group", status=status)

    with max_queries(5):
        response = client.get(url("organisations", petition))
    text = text_of(response)
    assert "2 organisations have signed." in text
    assert text.index("Brazil Example Youth Front") < text.index("United Kingdom")
    assert "Student or youth group" in text
    assert "Solidarity from the youth." in text
    assert "Hidden" not in text
    assert url("sign_organisation", petition) in response.content.decode()

    for i in range(30):
        make_organisation(petition, name=f"More Organisation {i}", country=("IT", "MX")[i % 2])
    cache.clear()
    with max_queries(5):
        assert client.get(url("organisations", petition)).status_code == 200


# The count JSON
def test_count_json_values_and_cache_header(client, petition, make_signature, make_organisation):
    signers = [("IT", APPROVED), ("BR", CONFIRMED), ("BR", PENDING)]
    rows(make_signature, petition, "country status", signers)
    make_organisation(petition, country="MX")
    make_organisation(petition, country="MX", status=PENDING)

    response = client.get(url("count", petition))
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"total": 2, "organisations": 1, "countries": 3, "goal": 1000}
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=5", "stale-while-revalidate=30"}
    assert "Set-Cookie" not in response.headers
    assert client.post(url("count", petition)).status_code == 405  # GET only


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
        # Alternate-language links name pages, they load nothing.
        loaded += re.findall(r'<link(?![^>]*rel="alternate")[^>]*\shref="([^"]+)"', content)
        assert loaded, path
        assert all(source.startswith("/static/") for source in loaded), (path, loaded)


def test_base_layout_language_switcher_and_rtl(client, petition, make_signature):
    page = client.get(petition.get_absolute_url()).content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'action="/i18n/setlang/"' in page
    assert 'name="csrfmiddlewaretoken"' not in page  # a page shared caches keep (lib/csrf.py)
    assert '<option value="ur" lang="ur">' in page
    assert "vendor/bootstrap/bootstrap.min.css" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    page = client.get(petition.get_absolute_url()).content.decode()
    assert '<html lang="ur" dir="rtl">' in page
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in page

    make_signature(petition, country="DE", show_name=False)
    cache.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
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
