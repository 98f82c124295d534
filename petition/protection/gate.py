"""What stops a signature before anything is stored: the pause switch, and the proof of work
while under attack. The form comes back with what was typed and why; nothing is lost."""

from django.utils.translation import gettext_lazy as _

from .proof_of_work import check_proof_of_work

PAUSED_MESSAGE = _(
    "Signing is paused for a short while. Nothing has been stored yet: what you typed is "
    "kept below, please try again later."
)


def check_before_signing(petition, form, data):
    """Add the reason to the form and return False if signing may not go ahead now.
    The switches come with the petition (`Petition.protection`, a cached row)."""
    if petition.signing_paused:
        form.add_error(None, PAUSED_MESSAGE)
        return False
    if petition.under_attack:
        message = check_proof_of_work(data)
        if message:
            form.add_error(None, message)
            return False
    return True
