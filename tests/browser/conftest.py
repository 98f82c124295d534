"""Browser tests: Playwright driving Debian's chromium (no browser download)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """What the data migrations created (the Moderators group...), read before Playwright starts.

    Browser tests are transactional: the database is flushed after each of them. Django's
    serialized rollback cannot restore it here, because Playwright's greenlet gives the test
    another database connection object, one without the serialized copy.
    """
    from django.db import connection

    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized is None:  # no test in this run asked Django to serialize: do it here
        with django_db_blocker.unblock():
            serialized = connection.creation.serialize_db_to_string()
    return serialized


@pytest.fixture(autouse=True)
def _restore_migrated_data(migrated_data, transactional_db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    if not Group.objects.exists():
        # Flushed by an earlier test, and refilled with new content types: start clean.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated_data)


@pytest.fixture(scope="session")
def browser(migrated_data):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        browser.devices = playwright.devices
        yield browser
        browser.close()


class PageWatch:
    """Records what a page does that a test may want to refuse: foreign requests, CSP errors."""

    def __init__(self, page, origin):
        self.origin = origin
        self.foreign_requests = []
        self.console_errors = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)

    def _on_request(self, request):
        if not request.url.startswith((self.origin, "data:")):
            self.foreign_requests.append(request.url)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)


@pytest.fixture
def phone(browser, live_server, settings):
    """A phone-sized page (Pixel 7) on the live server, with its requests watched."""
    # Secure and __Host- cookies work on plain HTTP too, as the host is localhost.
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        **browser.devices["Pixel 7"], locale="it-IT", base_url=live_server.url
    )
    page = context.new_page()
    page.watch = PageWatch(page, live_server.url)
    page.set_default_timeout(10_000)
    yield page
    context.close()
