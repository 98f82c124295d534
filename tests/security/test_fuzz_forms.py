"""Fuzzing every public form and query string: whatever a visitor sends, never a 5xx.

Random text (any Unicode but lone surrogates, control characters, NUL, bidirectional marks,
huge values), random sets of fields and random bytes as photos. The Django test client
re-raises a view's exception, so a crash shows up here with its traceback, shrunk by
hypothesis to the smallest input that causes it.
"""

import struct
import zlib
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaign.models import Action
from petition.models import Signer
from tests.campaign.action_factories import jpeg_bytes, report_data
from tests.petition.test_signing import ORGANISATION, VALID

pytestmark = pytest.mark.django_db

fuzz = hypothesis_settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "%00",
        "\u202eevil\u202c",  # right-to-left override
        "\u200f\u200e\u2066",  # RTL and LTR marks, an isolate
        "\ufeff",
        "\r\n\r\n",
        '=HYPERLINK("http://attacker.example")',
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "' OR 1=1 --",
        "{{ settings.SECRET_KEY }}{% debug %}",
        "%s%n%x",
        "../../../../etc/passwd",
        "😀" * 200,
        "Z̸̡̢a̵͇l̶̢g̸o̴" * 20,
        "a" * 5_000,
        "@" * 300 + "@example.org",
        "x" * 64 + "@" + "y" * 250 + ".org",
        "ünïcødé@exämple.org",
        "a@b",
        "-1",
        "0",
        "99999999999999999999999999",
        "1e308",
        "NaN",
        "2026-02-30",
        "https://",
        "http://[::1",
        "BR",
        "xx",
    ]
)
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    st.text(st.characters(max_codepoint=0x9F), max_size=40),  # controls and Latin-1
    NASTY,
)
HUGE = st.sampled_from(["A" * 200_000, "é" * 100_000 + "\x00"])
VALUE = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3), HUGE)


def fields(names):
    """A random set of fields: known names with any values, and unknown names."""
    key = st.one_of(st.sampled_from(names), st.text(st.characters(exclude_categories=("Cs",))))
    return st.dictionaries(key, VALUE, max_size=len(names) + 3)


def valid_with(base):
    """A valid submission with a few of its fields replaced, to get past the first checks."""
    return st.dictionaries(st.sampled_from(list(base)), VALUE, max_size=3).map(
        lambda changes: base | changes
    )


def form_data(base):
    return st.one_of(fields([*base, "csrfmiddlewaretoken"]), valid_with(base))


def assert_no_server_error(response):
    event(f"status {response.status_code}")  # pytest --hypothesis-show-statistics
    assert response.status_code < 500, response.status_code


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Fuzzing sends hundreds of requests from one address: get past the limits to the forms."""
    settings.SIGNATORY_LIST_RATE_LIMIT = 10**6
    settings.REPORT_ACTION_RATE_LIMIT = 10**6


@pytest.fixture
def client():
    """Raises the view's exception, so hypothesis reports and shrinks it."""
    return Client(raise_request_exception=True)


# --- Signing --------------------------------------------------------------------------------


@fuzz
@given(data=form_data(VALID))
def test_sign(client, petition, data):
    assert_no_server_error(client.post(reverse("petition:sign", args=[petition.slug]), data))


@fuzz
@given(data=form_data(ORGANISATION))
def test_sign_as_organisation(client, petition, data):
    url = reverse("petition:sign_organisation", args=[petition.slug])
    assert_no_server_error(client.post(url, data))


# --- Links from emails: random tokens --------------------------------------------------------

TOKEN = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300),
    st.from_regex(r"[so]:[0-9a-f]{32}:[0-9A-Za-z]{6}:[0-9A-Za-z_-]{43}", fullmatch=True),
    st.sampled_from(["s:", "o::", ":::", "s:nothex:1abc:sig", "%00", "..", "a" * 5_000]),
)


def token_path(name, token):
    return reverse(name, args=["TOKEN"]).replace("TOKEN", quote(token, safe=""))


@fuzz
@given(token=TOKEN, data=fields(["change", "sure", "csrfmiddlewaretoken"]))
def test_links_with_random_tokens(client, token, data):
    for name in ("petition:confirm", "petition:not_me", "petition:manage", "petition:unsubscribe"):
        url = token_path(name, token)
        assert_no_server_error(client.get(url))
        assert_no_server_error(client.post(url, data))
    assert_no_server_error(client.get(token_path("petition:manage_data", token)))


@fuzz
@given(data=fields(["change", "sure"]))
def test_manage_page_with_random_posts(client, petition, make_signature, data):
    signature = make_signature(petition, status=Signer.Status.CONFIRMED)
    url = reverse("petition:manage", args=[signature.make_token("manage")])
    assert_no_server_error(client.post(url, data))
    confirm = reverse("petition:confirm", args=[signature.make_token("confirm")])
    assert_no_server_error(client.post(confirm, data))


# --- Report a solidarity action, with random photos --------------------------------------------


def png_claiming(width, height):
    """A tiny PNG whose header claims a huge image (a decompression bomb's calling card)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


PHOTO_BYTES = st.one_of(
    st.binary(max_size=4_000),
    st.integers(0, 600).map(lambda n: jpeg_bytes()[:n]),  # truncated JPEGs
    st.just(png_claiming(60_000, 60_000)),
    st.just(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    st.just(b"GIF89a<script>alert(1)</script>"),
    st.just(jpeg_bytes()),
)


def upload_name(name):
    """A name a browser can send: no NUL or slash, and not one Django refuses outright
    ("", ".", "..": SimpleUploadedFile raises before any form sees it)."""
    name = name.replace("\x00", "").replace("/", "")[:200]
    return name if name not in {"", ".", ".."} else "photo"


PHOTO = st.builds(
    lambda name, content, content_type: SimpleUploadedFile(name, content, content_type),
    name=st.one_of(
        st.sampled_from(["photo.jpg", "a.png", "x.svg", ".jpg", "p.jpg.html"]), TEXT
    ).map(upload_name),
    content=PHOTO_BYTES,
    content_type=st.sampled_from(["image/jpeg", "image/png", "text/html", "", "image/svg+xml"]),
)


@fuzz
@given(data=form_data(report_data()), photos=st.lists(PHOTO, max_size=7))
def test_report_an_action(client, petition, data, photos, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    if photos:
        data = data | {"photos": photos}
    assert_no_server_error(client.post(reverse("campaign:report_action"), data))


# --- Language menu, lists and filters ---------------------------------------------------------


@fuzz
@given(prefix=st.one_of(NASTY, st.text(max_size=40)), accept_language=st.text(max_size=80))
def test_any_language_prefix_and_accept_language(client, prefix, accept_language):
    """The language comes from the path, then the browser: nothing there can break a page."""
    path = "/" + quote(prefix.replace("\x00", ""), safe="") + "/petitions/"
    headers = {"accept-language": accept_language.replace("\x00", "").replace("\n", "")}
    assert_no_server_error(client.get(path, headers=headers))


QUERY = st.dictionaries(
    st.sampled_from(["page", "country", "kind", "format", "per_page", "q"]),
    st.one_of(TEXT, st.integers(-(10**30), 10**30).map(str)),
    max_size=4,
)


@fuzz
@given(query=QUERY)
def test_list_query_strings(client, petition, make_signature, query):
    make_signature(petition, country="BR")
    Action.objects.exists()  # the lists work on whatever is there
    for url in (
        reverse("petition:signatures", args=[petition.slug]),
        reverse("petition:organisations", args=[petition.slug]),
        reverse("campaign:actions"),
        reverse("campaign:timeline"),
        reverse("campaign:action_map"),
        reverse("campaign:updates"),
        reverse("campaign:home"),
    ):
        assert_no_server_error(client.get(url, query))


@fuzz
@given(slug=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300))
def test_random_paths(client, slug):
    for pattern in (
        "/en/p/{}/",
        "/en/p/{}/count.json",
        "/en/news/{}/",
        "/en/actions/{}/",
        "/media/{}",
    ):
        assert_no_server_error(client.get(pattern.format(quote(slug, safe=""))))
