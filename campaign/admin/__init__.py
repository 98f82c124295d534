"""The campaign's back office: news, solidarity actions, the people we campaign for."""

from . import actions, cases, news, photos  # noqa: F401  (each registers its ModelAdmins)
