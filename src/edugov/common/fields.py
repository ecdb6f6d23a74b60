"""Encryption at rest for personal data of minors: EncryptedTextField stores a Fernet token
(cryptography), readable with any key of settings.FIELD_KEYS (EDUGOV_FIELD_KEYS; the first encrypts),
so keys rotate by prepending a new one and re-encrypting (`edugov rotate_field_keys`).

Ciphertext is randomised: the field cannot be filtered or ordered on in the database. Where a
lookup is needed, keep a keyed hash beside it (`field_hmac`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80) starts so


class FieldDecryptionError(ImproperlyConfigured):
    """A stored value cannot be decrypted with any configured key."""


def dev_field_key(secret_key: str) -> str:
    """The development key: derived from SECRET_KEY; never used in production (settings refuse)."""
    digest = hashlib.sha256(b"edugov-field-key:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def parse_field_keys(raw: str) -> list[str]:
    """EDUGOV_FIELD_KEYS: comma-separated Fernet keys, newest first. Raises on a malformed key."""
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    for k in keys:
        try:
            Fernet(k)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                "EDUGOV_FIELD_KEYS: each key must be a Fernet key (32 url-safe base64 bytes)"
            ) from exc
    return keys


_cache: dict[tuple[str, ...], MultiFernet] = {}


def fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "FIELD_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured("FIELD_KEYS is empty: set EDUGOV_FIELD_KEYS")
    if keys not in _cache:
        _cache.clear()
        _cache[keys] = MultiFernet([Fernet(k) for k in keys])
    return _cache[keys]


def encrypt_value(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii") if value else ""


def decrypt_value(token: str, *, where: str = "") -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise FieldDecryptionError(
            f"无法解密字段{where}：存储的密文与当前密钥（EDUGOV_FIELD_KEYS）都不匹配；"
            "请确认密钥配置，轮换密钥时旧密钥须保留在列表末尾"
        ) from exc


def rotate_value(token: str) -> str:
    """Re-encrypt a stored token with the first (newest) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii") if token else ""


def field_hmac(value: str) -> str:
    """A keyed hash for equality lookups on an encrypted value (keyed by SECRET_KEY)."""
    key = hashlib.sha256(b"edugov-field-hmac:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored encrypted. `max_length` limits the plaintext (forms and full_clean); the column is
    unbounded text because the token is about 2-3 times longer than the value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return decrypt_value(value, where=f" {self.model._meta.label}.{self.name}")

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt_value(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ("isnull",):
            raise TypeError(
                f"{self.model._meta.label}.{self.name} is encrypted: "
                f"no '{lookup_name}' lookup (keep a keyed hash beside it)"
            )
        return super().get_lookup(lookup_name)

    def audit_value(self, value: Any) -> str:
        """What the audit log keeps: a keyed hash (shows that the value changed, not what it is)."""
        return f"hmac:{field_hmac(value)[:16]}" if value else ""

    def formfield(self, **kwargs: Any) -> Any:
        defaults = {"form_class": forms.CharField, "max_length": self.max_length, "widget": forms.TextInput}
        return models.Field.formfield(self, **{**defaults, **kwargs})


def encrypt_existing(table: str, columns: list[str]) -> Any:
    """A RunPython operation body encrypting the plaintext values already in `columns` of `table`
    (rows written before the field became encrypted). Tokens already present are left alone."""

    def run(apps: Any, schema_editor: Any) -> None:
        conn = schema_editor.connection
        qn = conn.ops.quote_name
        with conn.cursor() as cursor:
            for column in columns:
                cursor.execute(f"SELECT id, {qn(column)} FROM {qn(table)}")
                rows = [
                    (encrypt_value(v), pk)
                    for pk, v in cursor.fetchall()
                    if v and not str(v).startswith(TOKEN_PREFIX)
                ]
                cursor.executemany(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", rows)

    return run
