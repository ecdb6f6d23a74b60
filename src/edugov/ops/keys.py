"""Key rotation for encrypted fields: re-encrypt every stored token with the newest key of
EDUGOV_FIELD_KEYS, after which the old keys can be dropped from the list."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction

from edugov.common.fields import EncryptedTextField, rotate_value


def encrypted_columns() -> list[tuple[str, str]]:
    """(table, column) of every EncryptedTextField of an installed model."""
    return [
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField) and field.column  # concrete: always has a column
    ]


@transaction.atomic
def field_keys_rotate() -> int:
    """Re-encrypt every value with the first key (old keys must still be listed). Returns the count."""
    qn = connection.ops.quote_name
    done = 0
    with connection.cursor() as cursor:
        for table, column in encrypted_columns():
            cursor.execute(f"SELECT id, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> ''")
            rows = [(rotate_value(token), pk) for pk, token in cursor.fetchall()]
            cursor.executemany(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", rows)
            done += len(rows)
    return done
