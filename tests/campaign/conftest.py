import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Photos stored by a test go to a temporary folder, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
