"""Logs hold no personal data and no tokens: request paths lose their secret segments
(tokens in /confirm/, /not-me/, /manage/… links) and their query strings; client
addresses are dropped. Used by gunicorn.conf.py and by Django's logging (settings.LOGGING)."""

import logging
import re

# Path segments that are secrets: whatever follows /confirm/ or /not-me/, and any segment that
# looks like a value signed by Django (django.core.signing joins its parts with ":").
_SECRET_AFTER = {"confirm", "not-me", "manage", "unsubscribe"}
_SIGNED = re.compile(r":|%3a", re.IGNORECASE)
# A request path inside free text: a "/" at the start or after a space or a quote.
_PATH_IN_TEXT = re.compile(r"(?<![^\s'\"])/[^\s'\"]*")


def redact_path(path):
    """The request path without its query string, token-like segments replaced by "…"."""
    segments = (path or "").split("?", 1)[0].split("/")
    for i, segment in enumerate(segments):
        after_secret = i > 0 and segments[i - 1] in _SECRET_AFTER
        if segment and (after_secret or _SIGNED.search(segment)):
            segments[i] = "…"
    return "/".join(segments)


def redact_message(text):
    """Gunicorn's error messages name the request ("Error handling request /confirm/…")
    or the client ("Invalid request from ip=…"): clean both."""
    text = _PATH_IN_TEXT.sub(lambda match: redact_path(match.group()), str(text))
    return re.sub(r"\bip=\S+?(:?)(?=\s|$)", r"ip=-\1", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through redact_message (Django logs request paths)."""

    def filter(self, record):
        record.msg = redact_message(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks of request errors can quote the URL, e.g. in a Resolver404.
            record.exc_text = redact_message(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
