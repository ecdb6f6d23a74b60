"""Password rule beyond Django's: at least three of lower case, upper case, digits, symbols."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "密码须至少包含小写字母、大写字母、数字、符号中的三类。", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return "密码须至少包含小写字母、大写字母、数字、符号中的三类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own, with a Chinese message: its zh-hans catalogue lacks the current wording."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"
