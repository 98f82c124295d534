"""Background work, enqueued on commit: thin wrappers around petition.actions."""

from django.tasks import task

from . import actions


@task
def send_confirmation_request(kind, pk):
    actions.send_confirmation_request(actions.load_signer(kind, pk))


@task
def send_already_signed(kind, pk, to=None):
    actions.send_already_signed(actions.load_signer(kind, pk), to)
