"""Import kinds of the tutoring app: custody account statements from the banks' CSV files (one
row per account and day: inflow, outflow, end-of-day balance). Run by the ingest engine."""

from __future__ import annotations

from typing import Any

from django.db import models

from edugov.accounts.models import Module
from edugov.accounts.scope import write_scoped
from edugov.ingest.spec import Column, ImportSpec, RowError, register

from .models import CustodyStatement, Institution


@register
class CustodyStatementImport(ImportSpec):
    kind = "custody_statements"
    label = "预收费托管账户对账单"
    description = "托管银行每日对账单：账号、日期、转入、划出、日终余额；同一账号同一日期再次导入即覆盖"
    model = CustodyStatement
    module = Module.TUTORING
    action = "tutoring.custody_import"
    columns = [
        Column(
            "托管账号",
            "account",
            required=True,
            aliases=("账号", "监管账号", "账户"),
            example="6222020200001234567",
        ),
        Column(
            "日期",
            "date",
            "date",
            required=True,
            aliases=("交易日期", "记账日期", "对账日期"),
            example="2025-09-01",
        ),
        Column(
            "当日转入",
            "inflow",
            "decimal",
            aliases=("收入", "贷方发生额", "转入金额"),
            default=None,
            example="5000.00",
        ),
        Column(
            "当日划出",
            "outflow",
            "decimal",
            aliases=("支出", "借方发生额", "划出金额"),
            default=None,
            example="1200.00",
        ),
        Column(
            "日终余额", "balance", "decimal", required=True, aliases=("余额", "账户余额"), example="183200.00"
        ),
    ]
    fields = ("institution_id", "account", "date", "inflow", "outflow", "balance")
    key_fields = ("institution_id", "date")
    update_fields = ("account", "inflow", "outflow", "balance")
    key_column = "date"

    def prepare(self) -> None:
        # Statements are written to the institutions the importer may change, not merely read.
        rows = Institution.objects.exclude(custody_account="")
        if self.user is not None:  # None: the command line
            rows = write_scoped(rows, self.user)
        self.accounts = dict(rows.values_list("custody_account", "pk"))
        self.institution_ids: set[int] = set()

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        account = str(v["account"]).replace(" ", "")
        iid = self.accounts.get(account)
        if iid is None:
            raise RowError("account", f"托管账号{account}未登记在您管辖范围内的任何机构名下")
        for field in ("inflow", "outflow"):
            if v.get(field) is not None and v[field] < 0:
                raise RowError(field, "金额不能为负数")
        self.institution_ids.add(iid)
        zero = 0
        return (iid, account, v["date"], v.get("inflow") or zero, v.get("outflow") or zero, v["balance"])

    def existing(self) -> models.QuerySet[Any]:
        return CustodyStatement.objects.filter(institution_id__in=self.institution_ids)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"托管账号{values[1]}在{values[2]}的对账单"
