"""The public counters: counted signatures per petition and country, kept exact on every change."""

import random
from collections import Counter

from django.core.cache import cache
from django.db import connection, models, transaction

from .petitions import Petition

COUNTER_SHARDS = 8


class SignatureCount(models.Model):
    """Counted signatures per petition and country, spread over a few shard rows.

    Confirming a signature adds 1 to one random shard row of its country, so that
    concurrent confirmations do not queue on one hot row; readers sum a few rows.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE)
    country = models.CharField(max_length=2)
    shard = models.PositiveSmallIntegerField()
    signatures = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "country", "shard"], name="one_counter_per_shard"
            )
        ]

    def __str__(self):
        return f"{self.petition_id}/{self.country}/{self.shard}: {self.signatures}"

    @classmethod
    def add(cls, changes):
        """Apply (petition_id, country, delta) changes inside the caller's transaction."""
        totals = Counter()
        for petition_id, country, delta in changes:
            if delta:
                totals[(petition_id, str(country))] += delta
        rows = [
            (petition_id, country, random.randrange(COUNTER_SHARDS), delta)
            for (petition_id, country), delta in sorted(totals.items())
            if delta
        ]
        if not rows:
            return
        table = cls._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (petition_id, country, shard, signatures) "  # noqa: S608
                "VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (petition_id, country, shard) "
                f"DO UPDATE SET signatures = {table}.signatures + excluded.signatures",
                rows,
            )

    @classmethod
    def rebuild(cls, petition):
        """Recount a petition from its signatures; returns True if the counters had drifted."""
        with transaction.atomic():
            # Lock the petition's counters so no increment lands between the count and the swap.
            list(cls.objects.select_for_update().filter(petition=petition))
            exact = dict(
                petition.signatures.counted()
                .order_by()
                .values_list("country")
                .annotate(n=models.Count("pk"))
                .values_list("country", "n")
            )
            current = dict(
                cls.objects.filter(petition=petition)
                .values_list("country")
                .annotate(n=models.Sum("signatures"))
                .values_list("country", "n")
            )
            current = {country: n for country, n in current.items() if n}
            if current == exact:
                return False
            cls.objects.filter(petition=petition).delete()
            cls.objects.bulk_create(
                cls(petition=petition, country=country, shard=0, signatures=n)
                for country, n in exact.items()
            )
        cache.delete(petition.counts_cache_key())
        return True
