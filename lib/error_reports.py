"""Error reports emailed to ADMINS, without personal data or tokens.

Django's own report (AdminEmailHandler with the ExceptionReporter) copies the whole request
into the email: the URL with its confirmation token, the query string, form fields, cookies,
headers and each frame's local variables. Mail is kept in inboxes and relayed by providers,
so this report carries only what an operator needs to find the bug: the redacted message
and the traceback, with request paths and email addresses blanked.
"""

import logging
import re

from django.conf import settings
from django.utils.log import AdminEmailHandler

from lib.logs import redact_message

_EMAIL_ADDRESS = re.compile(r"[^\s'\"<>()\[\],;:]+@[^\s'\"<>()\[\],;:]+")


def redact_report(text):
    """Request paths lose their tokens and query strings; email addresses become "…@…"."""
    return _EMAIL_ADDRESS.sub("…@…", redact_message(text))


class RedactedAdminEmailHandler(AdminEmailHandler):
    def emit(self, record):
        if not settings.ADMINS:
            return
        summary = redact_report(record.getMessage())
        body = summary
        if record.exc_info and record.exc_info[1] is not None:
            traceback = logging.Formatter().formatException(record.exc_info)
            body = f"{summary}\n\n{redact_report(traceback)}"
        self.send_mail(self.format_subject(f"{record.levelname}: {summary}"), body)
