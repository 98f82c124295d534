"""Seed a petition with many signatures, fast: one COPY, then the counters rebuilt once.

    DJANGO_SETTINGS_MODULE=config.settings python -m benchmarks.seed --signatures 1000000

Rows are built from the model's own fields (defaults and database conversion), so a new
column on Signature needs no change here.
"""

import argparse
import random
import time
import uuid
from datetime import timedelta

import django

COUNTRIES = ["GB", "FR", "DE", "IT", "ES", "PK", "IN", "US", "BR", "ZA", "KE", "NG", "JP", "AU"]
COUNTRY_WEIGHTS = [30, 12, 10, 8, 6, 9, 6, 8, 3, 2, 2, 2, 1, 1]
BENCH_SLUG = "benchmark"


def seed(signatures, slug=BENCH_SLUG):
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from petition.models import Petition, Signature, SignatureCount, Signer

    now = timezone.now()
    petition, _created = Petition.objects.update_or_create(
        slug=slug,
        defaults={
            "title": "Release the detained organisers",
            "lead": "A benchmark petition with many signatures.",
            "demands": "1. Release them.\n2. Drop the charges.",
            "addressee": "the Government",
            "goal": 2 * signatures,
            "status": Petition.Status.OPEN,
            "moderation": Petition.Moderation.PUBLISH,
            "opens_at": now - timedelta(days=30),
        },
    )
    petition.signatures.all().delete()

    fields = [field for field in Signature._meta.concrete_fields if not field.primary_key]
    template = Signature(
        petition=petition,
        consent_version=settings.PRIVACY_NOTICE_VERSION,
        consented_at=now,
        status=Signer.Status.APPROVED,
        show_name=True,
    )
    base = {field.attname: field.get_db_prep_save(field.pre_save(template, True), connection)
            for field in fields}  # fmt: skip
    columns = [field.column for field in fields]
    rng = random.Random(slug)  # the same data on every run, other data for each petition
    started = time.monotonic()
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Signature._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            countries = rng.choices(COUNTRIES, COUNTRY_WEIGHTS, k=signatures)
            for n in range(signatures):
                at = now - timedelta(seconds=signatures - n)
                row = base | {
                    "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "email": f"signer{n}@example.org",
                    "email_canonical": f"signer{n}@example.org",
                    "full_name": f"Signer Number {n}",
                    "country": countries[n],
                    "created_at": at,
                    "consented_at": at,
                    "confirmed_at": at,
                    "moderated_at": None,
                    "show_name": n % 3 != 0,
                }
                copy.write_row([row[field.attname] for field in fields])
        cursor.execute(f"ANALYZE {table}")
    SignatureCount.rebuild(petition)
    return petition, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--slug", default=BENCH_SLUG)
    options = parser.parse_args()
    django.setup()
    petition, seconds = seed(options.signatures, options.slug)
    print(f"Seeded {options.signatures} signatures into /p/{petition.slug}/ in {seconds:.1f} s")


if __name__ == "__main__":
    main()
