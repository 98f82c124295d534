"""Solidarity actions: reporting one, storing its photos, moderating, counting by country.

Everything here spans models (an action, its photos, the moderation log), so the views and
the admin stay thin. Storing is all or nothing: if anything fails, no action, no Photo row
and no file remains.
"""

from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils import timezone

from lib.ip import ip_hash
from lib.moderation import APPROVED_MESSAGE, REJECTED_MESSAGE, Outcome, log_change, selected

from .models import Action, Photo

# What the moderation log says for each status a moderator may set.
STATUS_MESSAGES = {
    Action.Status.APPROVED: APPROVED_MESSAGE,
    Action.Status.REJECTED: REJECTED_MESSAGE,
}

# The only columns public pages load: never contact_email or ip_hash.
# The texts (title, description, statement) come from the translations, prefetched.
CARD_FIELDS = (
    "pk", "slug", "kind", "original_language", "organiser", "city", "country", "date", "place",
)  # fmt: skip
DETAIL_FIELDS = (
    *CARD_FIELDS,
    "video_url",
    "source_url",
    "petition",
)


def photos_in_order():
    """An action's photos in the order they were added (the first one is its cover)."""
    return Prefetch("photos", queryset=Photo.objects.order_by("created_at", "pk"))


def public_actions(fields=CARD_FIELDS):
    """Approved actions, newest first, with their photos: what `_card.html` needs."""
    return (
        Action.objects.public()
        .only(*fields)
        .order_by("-date", "-submitted_at", "-pk")
        .with_translations()
        .prefetch_related(photos_in_order())
    )


def counts_by_country():
    """{country code: number of approved actions}, in one query."""
    rows = (
        Action.objects.public()
        .order_by()
        .values_list("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    return dict(rows)


def store_photos(safe_images, stored):
    """Save each lib.images.SafeImage as a Photo; `stored` collects them as they are written,
    so that the caller can delete their files if anything fails later."""
    photos = []
    for safe in safe_images:
        photo = Photo.from_safe_image(safe)  # removes its own files if it fails
        stored.append(photo)
        photos.append(photo)
    return photos


def _delete_files(photos):
    for photo in photos:
        photo.delete_files()


def report_action(form, *, ip):
    """Store an action reported through the public form: pending, with its photos made safe."""
    action = form.save(commit=False)
    action.status = Action.Status.PENDING
    action.ip_hash = ip_hash(ip)
    action.assign_slug()
    stored = []
    try:
        with transaction.atomic():
            action.save()
            action.photos.set(store_photos(form.cleaned_data.get("photos") or [], stored))
    except BaseException:
        _delete_files(stored)
        raise
    return action


def add_by_moderator(action):
    """An action a moderator adds in the admin: published at once unless they chose otherwise."""
    if not action.slug:
        action.assign_slug()
    if action.status != Action.Status.PENDING:
        action.moderated_at = timezone.now()
    action.save()
    return action


def moderate_actions(queryset, status, user):
    """Approve or reject the selected actions, logging one entry per action (those already in
    that state are left alone)."""
    if status not in STATUS_MESSAGES:
        raise ValueError(f"Moderators cannot set the status {status!r}.")
    with transaction.atomic():
        rows = selected(queryset)
        pks = list(rows.exclude(status=status).select_for_update().values_list("pk", flat=True))
        Action.objects.filter(pk__in=pks).update(status=status, moderated_at=timezone.now())
        log_change(Action.objects.filter(pk__in=pks).order_by("pk"), user, STATUS_MESSAGES[status])
    return Outcome(changed=len(pks))


def photos_in_use(pks):
    """The pks among `pks` of photos something still uses: an action, an update, a case…

    Every relation to Photo counts, including ones added later by other parts of the app.
    """
    used = set()
    relations = [
        field
        for field in Photo._meta.get_fields(include_hidden=True)  # related_name="+" too
        if field.auto_created
        and not field.concrete
        and field.is_relation
        and not field.related_model._meta.auto_created  # M2M tables: seen through the M2M
    ]
    for relation in relations:
        name = relation.field.name
        used |= set(
            relation.related_model._base_manager.filter(**{f"{name}__in": pks}).values_list(
                name, flat=True
            )
        )
    return used & set(pks)


def release_photos(photos):
    """Erase the given photos that nothing uses any more; returns how many were erased.

    A moderator removes a photo from an action because it should not be public: its file
    must not stay reachable at its old address.
    """
    pks = [photo.pk for photo in photos]
    in_use = photos_in_use(pks)
    erased = 0
    for photo in Photo.objects.filter(pk__in=pks).exclude(pk__in=in_use):
        photo.erase()
        erased += 1
    return erased
