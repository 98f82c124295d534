"""Every email Chorus sends goes through here: one function per email, each with its subject,
text and HTML templates in templates/emails/ (NAME-subject.txt, NAME-body.txt, NAME-body.html).

The functions take the address and the template context; the apps build the context (links,
tokens, the signer's language) in their own senders (petition/mail.py). HTML emails carry
inline styles on purpose: mail clients drop <style> blocks, and the site's Content Security
Policy does not apply to email.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def confirm_signature(to, context, **options):
    _send("confirm-signature", to, context, **options)


def confirm_organisation(to, context, **options):
    _send("confirm-organisation", to, context, **options)


def already_signed_signature(to, context, **options):
    _send("already-signed-signature", to, context, **options)


def already_signed_organisation(to, context, **options):
    _send("already-signed-organisation", to, context, **options)


def signing_alert(context):
    """To every staff address, one email each, so that no one sees who else receives alerts."""
    for address in staff_addresses():
        _send("signing_alert", address, context)


def supported_language(code):
    """The language of LANGUAGES an email in `code` is written in: a signer who signed in a
    language since replaced by a variant ("pt" for "pt-br") gets that variant."""
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _send(name, to, context, *, language=None, headers=None):
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL} | context
    with translation.override(supported_language(language)):
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=text,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def absolute_url(path):
    return settings.SITE_URL + path


def staff_addresses():
    """Who gets alerts: MANAGERS plus every active superuser with an email, each once."""
    from django.contrib.auth import get_user_model

    # Django 6 takes plain addresses; (name, address) pairs are the older form.
    addresses = [
        entry[-1] if isinstance(entry, tuple | list) else entry for entry in settings.MANAGERS
    ]
    addresses += (
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(address.strip().lower() for address in addresses))
