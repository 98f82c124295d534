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
        "from django.core.files.storage import storages; s = storages[\"default\"];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.querystring_auth)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["S3Storage", "chorus-media", "http://127.0.0.1:9000", "False"]
