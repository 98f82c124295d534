"""The petition's views: public pages, signing and confirming, the signer's own controls."""

from django.shortcuts import get_object_or_404

from ..models import Petition


def get_public_petition(slug):
    """The one way every public page and the sign forms load a petition: drafts are 404.
    Its site-wide switches come with it (`Petition.protection`, a cached row), and its texts
    in every language in one more query (the reader's, else the original)."""
    return get_object_or_404(Petition.objects.public().with_translations(), slug=slug)
