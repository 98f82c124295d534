"""The petition back office; each module registers its ModelAdmins."""

from . import signatures  # noqa: F401
