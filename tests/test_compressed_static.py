"""Static files as production serves them (collectstatic with whitenoise's compressed manifest
storage): a Brotli copy of each text file beside the gzip one, sent to browsers that accept it."""

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_static_files_are_served_brotli_compressed(production_static):
    url = static("vendor/bootstrap/bootstrap.min.css")
    client = Client()  # a new handler: whitenoise reads the collected files at start
    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    brotli = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    gzip = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert (plain.status_code, brotli.status_code, gzip.status_code) == (200, 200, 200)
    assert brotli["Content-Encoding"] == "br" and gzip["Content-Encoding"] == "gzip"
    sizes = [int(response["Content-Length"]) for response in (brotli, gzip, plain)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[2] / 5  # 232 KB of CSS: about 25 KB
    assert list((production_static / "vendor" / "bootstrap").glob("bootstrap.min.*.css.br"))
