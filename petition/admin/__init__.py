"""The petition back office; each module registers its ModelAdmins."""

from . import (  # noqa: F401 (each registers its ModelAdmins)
    invalidation,
    log,
    organisations,
    petitions,
    protection,
    signatures,
)
