"""New rows written out as SQL, for the hot paths (a registration, its e-mail)."""

from django.db import connection, transaction
from django.db.models import signals


def insert(instance):
    """INSERT the new ``instance``, as ``instance.save()`` does for a new row; returns it.

    Its primary key comes from the database, or from the instance where the field has a
    default (a UUID). A unique constraint that holds the same values raises IntegrityError,
    as ``save()``. Written out for the hot paths: see ``insert_unless_taken``. Not checked,
    unlike ``save()``: related instances not saved yet, and a primary key set on a model
    whose key the database makes (the database's value wins).
    """
    _insert(instance, on_conflict="")
    return instance


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
    return _insert(instance, on_conflict=" ON CONFLICT DO NOTHING")


def _insert(instance, *, on_conflict):
    model = type(instance)
    meta = model._meta
    using = connection.alias  # one database, as the services' transactions and locks
    # The primary key is written when the model gives it a value (a UUID's default), left to
    # the database otherwise (an auto-incremented id).
    fields = [
        field for field in meta.concrete_fields if not field.primary_key or field.has_default()
    ]
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
        f"VALUES ({', '.join(['%s'] * len(fields))})"
        f"{on_conflict} RETURNING {quote(meta.pk.column)}"
    )
    # As save(): an error marks the surrounding atomic block for rollback, even if caught.
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    if not meta.pk.has_default():
        instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = using
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using
    )
    return True
