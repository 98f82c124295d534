"""The petition back office; each module registers its ModelAdmins."""

from . import (
    invalidation,  # noqa: F401 (registers the bulk invalidation admin)
    protection,  # noqa: F401 (registers the signing protection admin)
)
from .signatures import ReviewQueueFilter

__all__ = ["ReviewQueueFilter"]
