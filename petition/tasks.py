"""Background work, enqueued on commit: thin wrappers around petition.actions."""

from django.tasks import task

from lib import emails

from . import actions, invalidation, protection


@task
def send_confirmation_request(kind, pk):
    actions.send_confirmation_request(actions.load_signer(kind, pk))


@task
def send_already_signed(kind, pk, to=None):
    actions.send_already_signed(actions.load_signer(kind, pk), to)


@task
def send_signing_alert(kind, key, count):
    emails.send_to_staff("signing_alert", protection.alert_context(kind, key, count))


@task
def run_invalidation(invalidation_id):
    invalidation.run_invalidation(invalidation_id)


@task
def undo_invalidation(invalidation_id, user_id):
    invalidation.undo_invalidation(invalidation_id, invalidation.load_user(user_id))
