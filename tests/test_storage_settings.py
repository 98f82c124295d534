"""Uploaded photos go through STORAGES, so an S3-compatible store is one setting away."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("storages", reason="the optional s3 extra is not installed")


def test_s3_bucket_switches_the_default_storage(tmp_path):
    env = os.environ | {
        "S3_BUCKET": "chorus-media",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "S3_ACCESS_KEY": "key",
        "S3_SECRET_KEY": "secret",
    }
    script = (
        "import django; django.setup();"
        'from django.core.files.storage import storages; s = storages["default"];'
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.querystring_auth)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["S3Storage", "chorus-media", "http://127.0.0.1:9000", "False"]


@pytest.mark.parametrize(
    ("extra", "origin"),
    [
        ({"S3_CUSTOM_DOMAIN": "media.example.org"}, "https://media.example.org"),
        ({"S3_ENDPOINT_URL": "https://s3.eu.example.net/path"}, "https://s3.eu.example.net"),
        ({}, "https://chorus-media.s3.amazonaws.com"),
    ],
)
def test_pages_may_show_photos_from_the_bucket(extra, origin):
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    env |= {"S3_BUCKET": "chorus-media"} | extra
    script = (
        "import django; django.setup(); from django.conf import settings;"
        'print(" ".join(settings.SECURE_CSP["img-src"]))'
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["'self'", "data:", origin]
