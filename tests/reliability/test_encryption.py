"""Encryption at rest of minors' personal data (common/fields.py EncryptedTextField): the column holds
a Fernet token, the model reads plaintext, the audit log keeps a keyed hash, keys rotate, and a
wrong key is a clear error."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.test import override_settings

from edugov.audit.models import AuditEvent
from edugov.common.fields import FieldDecryptionError, encrypt_existing
from edugov.ops.keys import encrypted_columns, field_keys_rotate
from edugov.testing import make_mini_district
from edugov.tutoring import services
from edugov.tutoring.models import Complaint, Order
from edugov.tutoring.tests.factories import make_institution, officer

pytestmark = pytest.mark.django_db


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def order_and_complaint():
    md = make_mini_district()
    px = officer(md)
    inst = make_institution(md, px)
    order = services.order_create(
        actor=px,
        institution=inst,
        data={
            "pupil_name": "李小明",
            "parent_phone": "13912340001",
            "lessons": 10,
            "amount": Decimal("1000"),
            "paid_on": dt.date(2025, 6, 1),
        },
    )
    complaint = services.complaint_submit(
        data={
            "institution": inst,
            "topic": "退费纠纷",
            "content": "不退费",
            "contact_name": "王女士",
            "contact_phone": "13900001111",
        },
        today=dt.date(2025, 8, 20),
    )
    return order, complaint


def test_columns_hold_ciphertext_and_models_read_plaintext(order_and_complaint):
    order, complaint = order_and_complaint
    assert set(encrypted_columns()) >= {
        ("tutoring_order", "pupil_name"),
        ("tutoring_order", "parent_phone"),
        ("tutoring_complaint", "contact_name"),
        ("tutoring_complaint", "contact_phone"),
    }
    stored = {
        "pupil_name": raw("tutoring_order", "pupil_name", order.pk),
        "parent_phone": raw("tutoring_order", "parent_phone", order.pk),
        "contact_name": raw("tutoring_complaint", "contact_name", complaint.pk),
        "contact_phone": raw("tutoring_complaint", "contact_phone", complaint.pk),
    }
    for value in stored.values():
        assert value.startswith("gAAAAA") and "小明" not in value and "1391" not in value
    o = Order.objects.get(pk=order.pk)
    c = Complaint.objects.get(pk=complaint.pk)
    assert (o.pupil_name, o.parent_phone) == ("李小明", "13912340001")
    assert (c.contact_name, c.contact_phone) == ("王女士", "13900001111")
    # The audit trail of the writes holds no plaintext either.
    dump = json.dumps(list(AuditEvent.objects.values("changes")), ensure_ascii=False)
    assert "李小明" not in dump and "13912340001" not in dump and "13900001111" not in dump
    with pytest.raises(TypeError, match="encrypted"):
        list(Order.objects.filter(pupil_name="李小明"))


def test_key_rotation(order_and_complaint):
    order, _ = order_and_complaint
    old = settings.FIELD_KEYS[0]
    new = Fernet.generate_key().decode()
    token = raw("tutoring_order", "pupil_name", order.pk)
    with override_settings(FIELD_KEYS=[new, old]):
        assert Order.objects.get(pk=order.pk).pupil_name == "李小明"  # old tokens still read
        assert field_keys_rotate() == 4  # 2 order values + 2 complaint values
    rotated = raw("tutoring_order", "pupil_name", order.pk)
    assert rotated != token and Fernet(new).decrypt(rotated.encode()).decode() == "李小明"
    with override_settings(FIELD_KEYS=[new]):  # the old key can now be dropped
        assert Order.objects.get(pk=order.pk).pupil_name == "李小明"


def test_wrong_key_is_a_clear_error(order_and_complaint):
    order, _ = order_and_complaint
    wrong = override_settings(FIELD_KEYS=[Fernet.generate_key().decode()])
    with wrong, pytest.raises(FieldDecryptionError, match="EDUGOV_FIELD_KEYS") as exc:
        Order.objects.get(pk=order.pk)
    assert "tutoring.Order.pupil_name" in str(exc.value)


def test_migration_encrypts_rows_written_before(order_and_complaint):
    order, _ = order_and_complaint
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tutoring_order SET pupil_name = %s WHERE id = %s", ["旧明文", order.pk])
    encrypt_existing("tutoring_order", ["pupil_name", "parent_phone"])(None, connection.schema_editor())
    assert raw("tutoring_order", "pupil_name", order.pk).startswith("gAAAAA")
    assert Order.objects.get(pk=order.pk).pupil_name == "旧明文"
    assert Order.objects.get(pk=order.pk).parent_phone == "13912340001"  # already a token: untouched
