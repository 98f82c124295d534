"""This page in every language: the language switcher, hreflang alternates, rel=canonical and
og:locale, from the request's path (every public page lives under its language, config/urls.py).
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()

# Query parameters that name a different page of the same list; any other (a link tracker's,
# say) is left out of the canonical address.
PAGE_PARAMETERS = ("page", "country", "kind")
# og:locale wants language_TERRITORY: where each language is most read by this campaign's public.
OG_LOCALES = {
    "en": "en_GB", "es": "es_ES", "pt-br": "pt_BR", "fr": "fr_FR", "it": "it_IT", "de": "de_DE",
    "el": "el_GR", "da": "da_DK", "cs": "cs_CZ", "ca": "ca_ES", "ne": "ne_NP", "ur": "ur_PK",
}  # fmt: skip


def hreflang(code):
    """Django's "pt-br" as BCP 47 writes it: "pt-BR"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def og_locale(code):
    return OG_LOCALES.get(code) or code.replace("-", "_")


def without_language(path):
    """The path without its language prefix: the address that sends each reader to their own."""
    code = translation.get_language_from_path(path)
    if not code:
        return path
    return path.removeprefix(f"/{code}") or "/"


@register.simple_tag(takes_context=True)
def language_versions(context):
    """[{code, name, hreflang, url, absolute_url, og_locale, current}] for the page being shown,
    or [] where the page has no language versions (an error page, a path that does not
    resolve)."""
    request = context.get("request")
    if request is None or request.resolver_match is None:
        return []
    if not translation.get_language_from_path(request.path_info):
        return []
    current = translation.get_language()
    query = page_query(request)
    versions = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code) + query
        versions.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "hreflang": hreflang(code),
                "url": url,
                "absolute_url": settings.SITE_URL + url,
                "og_locale": og_locale(code),
                "current": code == current,
            }
        )
    return versions


def page_query(request):
    """ "?…" with the parameters that make this a page of its own, or ""."""
    query = [(name, request.GET[name]) for name in PAGE_PARAMETERS if request.GET.get(name)]
    return f"?{urlencode(query)}" if query else ""


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's one address: its path and the parameters that make it a page of its own."""
    request = context.get("request")
    return settings.SITE_URL + request.path + page_query(request) if request else ""


@register.simple_tag(takes_context=True)
def any_language_url(context):
    """The x-default: this page without a language, for readers whose language is not listed."""
    request = context.get("request")
    return settings.SITE_URL + without_language(request.path) if request else ""
