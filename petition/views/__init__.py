"""The petition's views: public pages, signing and confirming, the signer's own controls."""

from django.shortcuts import get_object_or_404

from ..models import Petition


def get_public_petition(slug):
    """The one way every public page and the sign forms load a petition: drafts are 404.
    Its site-wide switches come with it (`Petition.protection`, a cached row)."""
    return get_object_or_404(Petition.objects.public(), slug=slug)
