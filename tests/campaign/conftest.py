from datetime import timedelta

import pytest

from campaign.models import Case

from .case_factories import TAKEN

Status = Case.Status


@pytest.fixture
def media_root(settings, tmp_path):
    """Photos stored by a test go to a temporary folder, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def make_case(db):
    """A case with a dated history: make_case("Name", ("detained", date, note), …)."""

    def make(name, *history, **fields):
        slug = fields.pop("slug", name.lower().replace(" ", "-"))
        case = Case.objects.create(name=name, slug=slug, **fields)
        for status, when, *note in history:
            case.change_status(status, when, note[0] if note else "")
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def seven(make_case):
    """Seven organisers taken on one day; four released one by one, one case not public."""
    people = []
    for n, name in enumerate(["Ilan Vey", "Dora Quist", "Teo Marrow"]):
        people.append(make_case(name, (Status.DETAINED, TAKEN), order=n))
    for n, name in enumerate(["Pim Sollow", "Ada Krenn", "Uri Falk", "Nell Ostby"], start=3):
        released = TAKEN + timedelta(days=5 * n)
        people.append(
            make_case(name, (Status.DETAINED, TAKEN), (Status.RELEASED, released), order=n)
        )
    make_case("Hidden Person", (Status.MISSING, TAKEN), is_public=False)
    return people
