"""Pages of long public lists, without counting rows the counters already know."""

from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A paginator told its count (from the counters) instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = max(0, int(count))

    @property
    def count(self):
        return self._known_count
