"""Load in gunicorn's master, before it forks the workers, what Django would otherwise load
on each worker's first requests: the view modules behind the URLs, the compiled templates
and every language's translations. Workers then start warm, and so do the workers that
replace them (a reload, a crash, MAX_REQUESTS if set): a cold one took seconds of its first
requests to compile templates and import modules, the tail of the public pages' latency.

Nothing here opens a database or cache connection: connections must not cross the fork.
"""

from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation


def warm_up():
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Sign")
    for folder in map(Path, engines["django"].template_dirs):
        for path in sorted(folder.rglob("*.html")):
            try:
                get_template(str(path.relative_to(folder)))
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # reported where the page is rendered, as ever
