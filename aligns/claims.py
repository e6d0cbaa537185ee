"""Claiming rows for a worker: the sweeps and the outbox's dispatch.

`claim_and_update` locks up to a batch of a queryset's rows that no other transaction holds,
changes them, and says which it changed, all in one statement:

    UPDATE t SET … WHERE id IN (SELECT id … LIMIT n FOR UPDATE OF t SKIP LOCKED) RETURNING …

So two workers at once never take the same row, a worker waits on nobody's locks, and a
backlog of any size is taken a batch at a time at the cost of a bulk UPDATE. (SQLite has no
row locks, but runs one writer at a time, which is as safe.)
"""

from django.db import connections
from django.db.models import Subquery
from django.db.models.sql.subqueries import UpdateQuery


def claim_and_update(queryset, *, batch, returning=("pk",), **changes):
    """Claim up to `batch` rows of `queryset` (in its order), set `changes` on them (values or
    expressions, as for QuerySet.update), and return the `returning` fields of each as tuples.
    Call it inside a transaction: the rows stay locked until it ends."""
    model = queryset.model
    claim = queryset.select_for_update(skip_locked=True, of=("self",)).values("pk")[:batch]
    # QuerySet.update() as Django builds it, with RETURNING added: Django's has none.
    query = model._base_manager.filter(pk__in=Subquery(claim)).query.chain(UpdateQuery)
    query.add_update_values(changes)
    connection = connections[queryset.db]
    sql, params = query.get_compiler(connection=connection).as_sql()
    columns = ", ".join(
        connection.ops.quote_name(
            (model._meta.pk if name == "pk" else model._meta.get_field(name)).column
        )
        for name in returning
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {columns}", params)
        return cursor.fetchall()
