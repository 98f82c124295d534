"""The petition back office; each module registers its ModelAdmins."""

from .signatures import ReviewQueueFilter

__all__ = ["ReviewQueueFilter"]
