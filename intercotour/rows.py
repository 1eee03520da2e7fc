"""New rows written out as SQL, for the hot paths (a registration, its e-mail)."""

from django.db import connection
from django.db.models import signals


def insert_unless_taken(instance):
    """INSERT the new ``instance`` (its primary key from the database); returns True.

    Returns False, writing nothing, when a unique constraint already holds a row with the
    same values (``ON CONFLICT DO NOTHING``, on PostgreSQL and SQLite alike). On PostgreSQL,
    a row with the same values that another transaction has not committed yet makes this
    wait for that transaction: False if it commits, the row inserted if it rolls back.

    ``instance.save()`` written out, with its field defaults, ``pre_save`` preparation and
    signals: the ORM took longer to build this statement than the database to run it
    (``benchmarks/registration_burst.py``), and a ``save()`` that fails on a unique key
    needs a savepoint around it.
    """
    model = type(instance)
    meta = model._meta
    using = connection.alias  # one database, as the services' transactions and locks
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    if any(field.has_db_default() or field.generated for field in fields):
        # save() leaves these to the database; this INSERT would write them.
        raise TypeError(f"{model.__name__}: a field set by the database; use save().")
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=using, update_fields=None
    )
    values = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = using
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using
    )
    return True
