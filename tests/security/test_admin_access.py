"""The back office is locked down: a second factor on every admin page, enrolment at the first
login, one-time recovery codes, lockout against guessing, idle sessions ending, and moderators
kept away from personal data and settings."""

import re
from datetime import timedelta
from html import unescape

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib import two_factor
from tests.admin_login import authenticator_for, current_code, login_verified

PASSWORD = "a-long-test-password"
LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
ENROL = reverse("admin:two_factor_enrol")
TWO_FACTOR = reverse("admin:two_factor")
SIGNATURES = reverse("admin:petition_signature_changelist")
WRONG_LOGIN = "Please enter the correct username, password and code for a staff account."


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Dozens of logins: the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("volunteer", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


def log_in(client, username="volunteer", password=PASSWORD, code="", **extra):
    data = {"username": username, "password": password, "otp_token": code, "next": INDEX}
    return client.post(LOGIN, data, **extra)


def text_of(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def refused(response):
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


# Every admin page needs the second factor ------------------------------------------------


def admin_urls(signature):
    return [
        INDEX,
        SIGNATURES,
        reverse("admin:petition_signature_change", args=[signature.pk]),
        reverse("admin:campaign_case_changelist"),
        reverse("admin:password_change"),
        TWO_FACTOR,
    ]


def test_a_password_only_session_is_never_served_an_admin_page(
    client, moderator, superuser, petition, make_signature
):
    signature = make_signature(petition)
    for user in (moderator, superuser):
        client.force_login(user)  # password checked, no second factor
        for url in admin_urls(signature):
            assert refused(client.get(url)), url
        assert refused(client.post(SIGNATURES, {"action": "approve", "_selected_action": []}))
    # The same people with the second factor are let in.
    login_verified(client, superuser)
    for url in admin_urls(signature):
        assert client.get(url).status_code == 200, url


def test_a_device_of_someone_else_does_not_verify_the_session(client, moderator, superuser):
    client.force_login(moderator)
    session = client.session
    session["otp_device_id"] = authenticator_for(superuser).persistent_id
    session.save()
    assert refused(client.get(INDEX))


def test_the_login_page_asks_for_the_code(client, db):
    html = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in html and 'autocomplete="one-time-code"' in html
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


# Logging in with a code ------------------------------------------------------------------


def test_login_with_password_and_code(client, moderator):
    device = authenticator_for(moderator)
    response = log_in(client, code=current_code(device))
    assert response.status_code == 302 and response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


@pytest.mark.parametrize("code", ["", "000000", "12345", "not-a-code"])
def test_a_missing_or_wrong_code_is_refused_like_a_wrong_password(client, moderator, code):
    device = authenticator_for(moderator)
    if code == "000000" and current_code(device) == code:
        code = "000001"
    response = log_in(client, code=code)
    assert response.status_code == 200
    assert WRONG_LOGIN in text_of(response)
    assert "_auth_user_id" not in client.session
    assert refused(client.get(INDEX))
    # The same message as a wrong password: it does not tell a guesser the password was right.
    assert WRONG_LOGIN in text_of(log_in(Client(), password="wrong", code=code))


def test_a_code_is_accepted_once_only(client, moderator):
    code = current_code(authenticator_for(moderator))
    assert log_in(client, code=code).status_code == 302
    again = Client()
    assert WRONG_LOGIN in text_of(log_in(again, code=code))


def test_a_recovery_code_works_once_only(client, moderator):
    authenticator_for(moderator)
    codes = two_factor.replace_recovery_codes(moderator)
    assert len(codes) == 10 and len(set(codes)) == 10
    response = log_in(client, code=codes[3].upper())  # as read out from paper
    assert response.status_code == 302
    assert client.get(INDEX).status_code == 200
    assert StaticToken.objects.filter(device__user=moderator).count() == 9
    response = log_in(Client(), code=codes[3])
    assert WRONG_LOGIN in text_of(response)


def test_staff_can_see_their_second_factor_and_replace_recovery_codes(client, moderator):
    old_codes = two_factor.replace_recovery_codes(moderator)
    login_verified(client, moderator)
    page = text_of(client.get(TWO_FACTOR))
    assert "Your authenticator app is set up" in page
    assert "You have 10 unused recovery codes." in page
    response = client.post(TWO_FACTOR)
    assert "no-store" in response["Cache-Control"]
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new_codes)
    assert log_in(Client(), code=new_codes[0]).status_code == 302
    assert WRONG_LOGIN in text_of(log_in(Client(), code=old_codes[0]))


# Enrolment --------------------------------------------------------------------------------


def test_enrolment_from_first_login_to_the_admin(client, moderator):
    response = log_in(client)  # no device yet: username and password only
    assert response.status_code == 302 and response["Location"] == ENROL
    assert "_auth_user_id" not in client.session  # half logged in: not logged in at all
    assert refused(client.get(INDEX))

    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'src="data:image/svg+xml' in html  # drawn on the server, no third party
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    device = TOTPDevice.objects.get(user=moderator, confirmed=False)
    secret = two_factor.secret_for_humans(device)
    assert secret in html
    # Reloading the page keeps the secret the app has already scanned.
    assert secret in client.get(ENROL).content.decode()

    response = client.post(ENROL, {"otp_token": current_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(INDEX).status_code == 200
    # The enrolment page is gone once the device is set up.
    assert client.get(ENROL)["Location"] == LOGIN
    # From now on the login asks for a code: the next one from the app, or a recovery code.
    assert WRONG_LOGIN in text_of(log_in(Client()))
    assert log_in(Client(), code=current_code(device, step_offset=1)).status_code == 302
    assert log_in(Client(), code=codes[0]).status_code == 302


def test_a_wrong_enrolment_code_is_refused_next_to_the_field(client, moderator):
    log_in(client)
    device = two_factor.pending_authenticator(moderator)
    wrong = "000000" if current_code(device) != "000000" else "000001"
    response = client.post(ENROL, {"otp_token": wrong})
    assert response.status_code == 200
    assert "That code is not right." in text_of(response)
    assert response.context["form"].errors["otp_token"]
    assert not TOTPDevice.objects.filter(user=moderator, confirmed=True).exists()
    assert refused(client.get(INDEX))


def test_the_enrolment_page_is_only_for_a_fresh_password_login(client, moderator):
    assert client.get(ENROL)["Location"] == LOGIN  # anonymous
    log_in(client)
    assert client.get(ENROL).status_code == 200
    session = client.session
    session["admin_enrolment"]["started"] -= 16 * 60
    session.save()
    assert client.get(ENROL)["Location"] == LOGIN  # too long ago
    # Someone with a device cannot be made to enrol a second one from a password alone.
    authenticator_for(moderator)
    other = Client()
    log_in(other)
    assert other.get(ENROL)["Location"] == LOGIN


def test_superusers_reset_a_lost_second_factor(client, moderator, superuser):
    authenticator_for(moderator)
    two_factor.replace_recovery_codes(moderator)
    url = reverse("admin:auth_user_changelist")
    data = {"action": "reset_second_factor", "_selected_action": [moderator.pk]}
    login_verified(client, superuser)
    assert client.post(url, data).status_code == 302
    assert not TOTPDevice.objects.filter(user=moderator).exists()
    assert not StaticDevice.objects.filter(user=moderator).exists()
    # Their next login sets the app up again.
    assert log_in(Client())["Location"] == ENROL


def test_the_user_list_shows_who_has_a_second_factor(client, moderator, superuser):
    login_verified(client, superuser)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert "second factor" in text_of(response).lower()
    assert "reset_second_factor" in response.content.decode()


def test_without_the_requirement_a_password_is_enough(client, moderator, settings):
    settings.ADMIN_REQUIRE_2FA = False
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200
    assert not TOTPDevice.objects.filter(user=moderator).exists()


# Lockout ----------------------------------------------------------------------------------


def fail(times, username="volunteer", **extra):
    for _ in range(times):
        response = log_in(Client(), username=username, password="wrong guess", **extra)
    return response


def test_lockout_after_five_failures_for_that_username_and_address(moderator):
    device = authenticator_for(moderator)
    assert fail(4).status_code == 200
    locked = fail(1)
    assert locked.status_code == 429
    page = text_of(locked)
    assert "Too many failed logins" in page and "try again in 15 minutes" in page
    assert "volunteer" not in page
    assert "style=" not in locked.content.decode()
    # Even the right password and code are refused while locked.
    response = log_in(Client(), code=current_code(device))
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session
    # Trying again while locked does not push the end of the lock further away.
    first = AccessAttempt.objects.get().attempt_time
    fail(3)
    assert AccessAttempt.objects.get().attempt_time == first


def test_an_attacker_elsewhere_cannot_lock_the_moderator_out(moderator):
    device = authenticator_for(moderator)
    assert fail(10, REMOTE_ADDR="203.0.113.9").status_code == 429
    response = log_in(Client(), code=current_code(device), REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302


def test_the_address_is_the_client_behind_a_trusted_proxy(moderator, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    device = authenticator_for(moderator)
    assert fail(5, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    response = log_in(Client(), code=current_code(device), HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302


def test_wrong_codes_count_as_failures(moderator):
    device = authenticator_for(moderator)
    wrong = "000000" if current_code(device) != "000000" else "000001"
    for _ in range(4):
        assert log_in(Client(), code=wrong).status_code == 200
    assert log_in(Client(), code=wrong).status_code == 429


def test_wrong_enrolment_codes_count_as_failures(client, moderator):
    log_in(client)
    device = two_factor.pending_authenticator(moderator)
    wrong = "000000" if current_code(device) != "000000" else "000001"
    statuses = [client.post(ENROL, {"otp_token": wrong}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_the_lock_lifts_by_itself_after_the_cool_off(moderator):
    device = authenticator_for(moderator)
    assert fail(5).status_code == 429
    # Fifteen minutes and a second later:
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert log_in(Client(), code=current_code(device)).status_code == 302
    assert not AccessAttempt.objects.exists()  # success clears the count


def test_the_cool_off_is_configurable(moderator, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    assert "try again in 2 minutes" in text_of(fail(5))


def test_failure_records_are_minimal_and_logins_are_not_logged(moderator):
    fail(2, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Staff laptop")
    attempt = AccessAttempt.objects.get()
    assert attempt.user_agent == "" and attempt.http_accept == ""
    assert PASSWORD not in attempt.post_data and "wrong guess" not in attempt.post_data
    assert log_in(Client(), code=current_code(authenticator_for(moderator))).status_code == 302
    assert not AccessLog.objects.exists()


# Idle sessions and the public site --------------------------------------------------------


def test_an_idle_admin_session_ends(client, moderator, monkeypatch, settings):
    login_verified(client, moderator)
    response = client.get(INDEX)
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # ends with the browser
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)
    real_now = timezone.now
    # 29 minutes later the session is still alive, and each request pushes its end further.
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=29))
    assert client.get(INDEX).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=58))
    assert client.get(INDEX).status_code == 200
    # Then 31 minutes without a request: gone.
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=89))
    assert refused(client.get(INDEX))


@pytest.mark.parametrize(
    "name", ["campaign:home", "petition:index", "campaign:updates", "campaign:actions"]
)
def test_the_public_site_starts_no_session(client, petition, name, settings):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


# Moderators moderate, and no more ---------------------------------------------------------


def test_moderators_cannot_see_email_addresses_users_or_settings(client, moderator):
    for permission in [
        "petition.view_signature_email",
        "campaign.view_action_contact",
        "auth.view_user",
        "auth.change_user",
        "auth.add_user",
        "auth.view_group",
        "auth.change_group",
        "petition.view_protection",
        "petition.change_protection",
        "petition.view_blockrule",
        "petition.change_blockrule",
        "petition.add_blockrule",
    ]:
        assert not moderator.has_perm(permission), permission
    login_verified(client, moderator)
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_user_change", args=[moderator.pk]),
        reverse("admin:petition_protection_changelist"),
        reverse("admin:petition_blockrule_changelist"),
        reverse("admin:petition_blockrule_add"),
    ]:
        assert client.get(url).status_code == 403, url
    index = client.get(INDEX).content.decode()
    for label in ("Users", "Groups", "Signing protection", "Block and allow rules"):
        assert f">{label}<" not in index, label
    assert client.get(SIGNATURES).status_code == 200  # but they do moderate


def test_moderators_cannot_reset_second_factors(client, moderator, superuser):
    authenticator_for(superuser)
    login_verified(client, moderator)
    data = {"action": "reset_second_factor", "_selected_action": [superuser.pk]}
    assert client.post(reverse("admin:auth_user_changelist"), data).status_code == 403
    assert TOTPDevice.objects.filter(user=superuser).exists()


def test_no_admin_action_exports_personal_data_to_moderators(rf, moderator):
    """No ModelAdmin offers moderators an export or download action."""
    request = rf.get(INDEX)
    request.user = moderator
    offered = []
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_view_or_change_permission(request):
            offered += [(model._meta.label, name) for name in model_admin.get_actions(request)]
    assert offered, "moderators should have moderation actions"
    exporting = [item for item in offered if re.search(r"export|download|csv", item[1], re.I)]
    assert exporting == []


def test_the_moderators_group_has_no_user_or_settings_permissions(db):
    codenames = set(
        Permission.objects.filter(group__name="Moderators").values_list(
            "content_type__app_label", "codename"
        )
    )
    assert not {(app, code) for app, code in codenames if app in {"auth", "otp_totp", "axes"}}
    assert ("petition", "view_signature_email") not in codenames
    assert not {code for app, code in codenames if code.endswith(("protection", "blockrule"))}
