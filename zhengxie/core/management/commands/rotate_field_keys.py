from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from zhengxie.core import crypto
from zhengxie.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the current (first) key of ZHENGXIE_FIELD_KEYS. "
        "Run after putting a new key first; remove the old key only once this reports nothing left to rotate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        current = crypto.current_key_id()
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            for field in fields:
                col = connection.ops.quote_name(field.column)
                rotated = 0
                last = None
                while True:
                    with connection.cursor() as cur:
                        where = f"WHERE {pk} > %s" if last is not None else ""
                        cur.execute(
                            f"SELECT {pk}, {col} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                            ([last] if last is not None else []) + [batch_size],
                        )
                        rows = cur.fetchall()
                    if not rows:
                        break
                    last = rows[-1][0]
                    stale = [(pk_, raw) for pk_, raw in rows if raw and crypto.key_id_of(raw) != current]
                    with transaction.atomic(), connection.cursor() as cur:
                        for pk_, raw in stale:
                            cur.execute(
                                f"UPDATE {table} SET {col} = %s WHERE {pk} = %s",  # noqa: S608
                                [crypto.encrypt(crypto.decrypt(raw)), pk_],
                            )
                    rotated += len(stale)
                if rotated:
                    self.stdout.write(f"{model._meta.label}.{field.name}: {rotated} values re-encrypted")
                total += rotated
        self.stdout.write(self.style.SUCCESS(f"done: {total} values re-encrypted under key {current!r}"))
