from __future__ import annotations

from django import forms

from edugov.common.formfields import choice_field


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="数据类型",
        error_messages={"required": "请选择数据类型", "invalid_choice": "请选择可导入的数据类型"},
    )
    file = forms.FileField(
        label="文件（Excel 或 CSV）",
        error_messages={
            "required": "请选择要上传的文件",
            "empty": "上传的文件是空的",
            "invalid": "文件上传失败，请重试",
        },
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = kinds
