"""Counted means confirmed, in the database itself.

Before this, approving skipped only pending rows, so a row marked spam or suspected before its
address was confirmed could be approved and counted. Such rows go back to "awaiting email
confirmation" (their link still works until it expires, and retention removes them after), the
counters of the petitions concerned are rebuilt from the signatures, and the check constraint
then keeps it so.
"""

from django.db import migrations, models
from django.db.models import Count

COUNTED = ("confirmed", "approved")


def uncount_unconfirmed(apps, schema_editor):
    Signature = apps.get_model("petition", "Signature")
    Organisation = apps.get_model("petition", "Organisation")
    SignatureCount = apps.get_model("petition", "SignatureCount")
    Organisation.objects.filter(status__in=COUNTED, confirmed_at__isnull=True).update(
        status="pending"
    )
    wrong = Signature.objects.filter(status__in=COUNTED, confirmed_at__isnull=True)
    petitions = set(wrong.values_list("petition_id", flat=True))
    wrong.update(status="pending")
    # Rebuild the counters of those petitions from their signatures, as `rebuild_counts` does.
    SignatureCount.objects.filter(petition_id__in=petitions).delete()
    exact = (
        Signature.objects.filter(petition_id__in=petitions, status__in=COUNTED)
        .order_by()
        .values_list("petition_id", "country")
        .annotate(n=Count("pk"))
    )
    SignatureCount.objects.bulk_create(
        SignatureCount(petition_id=petition_id, country=country, shard=0, signatures=n)
        for petition_id, country, n in exact
    )


class Migration(migrations.Migration):
    dependencies = [
        ("petition", "0007_task_queue_index"),
    ]

    operations = [
        migrations.RunPython(uncount_unconfirmed, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=~models.Q(status__in=COUNTED) | models.Q(confirmed_at__isnull=False),
                name="organisation_counted_only_if_confirmed",
            ),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(
                condition=~models.Q(status__in=COUNTED) | models.Q(confirmed_at__isnull=False),
                name="signature_counted_only_if_confirmed",
            ),
        ),
    ]
