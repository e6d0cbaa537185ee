"""Pages of long lists whose cost depends on the page size, not on the size of the tables."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


def annotated_page(rows, number, per_page, annotate):
    """Paginate first, then annotate: one page of `rows`, each row annotated by `annotate`.

    `rows` is the whole list, filtered and ordered by indexed columns only, so the database
    finds the page's ids from an index and counts them without reading the rows. `annotate`
    (a function of a queryset) adds the figures worked out from other tables (a volunteer's
    caseload, say) to the page's rows alone: annotating the whole list first would work them
    out for every row of the table to show 25.
    """
    page = Paginator(rows.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    annotated = {row.pk: row for row in annotate(rows.filter(pk__in=ids).order_by())}
    page.object_list = [annotated[pk] for pk in ids]
    return page


class CountedUpTo(Paginator):
    """A paginator that counts no further than `most` rows: past that the exact number
    costs a read of the whole index and helps nobody (a person searches rather than pages
    through thousands), so the page says "more than" instead (`is_capped`)."""

    def __init__(self, rows, per_page, *, most=10_000):
        super().__init__(rows, per_page)
        self.most = most

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.most + 1].count()

    @property
    def is_capped(self):
        return self.count > self.most
