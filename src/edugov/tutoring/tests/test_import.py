import datetime as dt
from decimal import Decimal

import pytest

from edugov.ingest.services import import_file
from edugov.testing import make_mini_district
from edugov.tutoring.models import CustodyStatement

from .factories import make_institution, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    md = make_mini_district()
    px = officer(md)
    inst = make_institution(md, px, custody_account="6222020200001234567")
    return md, px, inst


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "bank.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_bank_csv_in_gbk_with_bank_headers(tmp_path, setup):
    _, px, inst = setup
    text = (
        "账号,交易日期,贷方发生额,借方发生额,账户余额\n6222020200001234567,2025/9/1,5000.00,1200,183200.00\n"
    )
    batch = import_file(
        kind="custody_statements", path=write(tmp_path, text, "gb18030"), original_name="b.csv", user=px
    )
    assert batch.status == "succeeded", batch.message
    row = CustodyStatement.objects.get()
    assert (row.institution, row.date, row.balance) == (inst, dt.date(2025, 9, 1), Decimal("183200.00"))
    # importing the same day again replaces the balance
    text2 = "托管账号,日期,日终余额\n6222020200001234567,2025-09-01,180000\n"
    import_file(kind="custody_statements", path=write(tmp_path, text2), original_name="b.csv", user=px)
    assert CustodyStatement.objects.get().balance == Decimal("180000")


def test_unknown_account_rejects_whole_file(tmp_path, setup):
    _, px, _ = setup
    text = "托管账号,日期,日终余额\n6222020200001234567,2025-09-01,100\n9999,2025-09-01,100\n"
    batch = import_file(kind="custody_statements", path=write(tmp_path, text), original_name="b.csv", user=px)
    assert batch.status != "succeeded"
    assert CustodyStatement.objects.count() == 0


def test_unexpected_layout_rejected_in_chinese(tmp_path, setup):
    _, px, _ = setup
    batch = import_file(
        kind="custody_statements", path=write(tmp_path, "a,b,c\n1,2,3\n"), original_name="b.csv", user=px
    )
    assert batch.status != "succeeded"
    assert CustodyStatement.objects.count() == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in batch.message)
