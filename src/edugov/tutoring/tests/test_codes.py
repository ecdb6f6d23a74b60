import pytest

from edugov.tutoring.codes import (
    CREDIT_ALPHABET,
    CREDIT_WEIGHTS,
    credit_check_char,
    credit_code_problem,
    id_check_char,
    id_number_problem,
)


def test_alphabet_and_weights_follow_gb32100():
    assert len(CREDIT_ALPHABET) == 31
    assert not set("IOZSV") & set(CREDIT_ALPHABET)
    assert CREDIT_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_check_char_by_hand():
    # 91350100M000100Y4: values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4
    # Σ = 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640
    # 1640 mod 31 = 28 -> 31 - 28 = 3
    assert credit_check_char("91350100M000100Y4") == "3"
    assert credit_code_problem("91350100M000100Y43") == ""


def test_check_value_31_is_written_zero():
    # 17 zeros: Σ = 0 -> 31 - 0 = 31 -> written as "0"
    assert credit_check_char("0" * 17) == "0"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("91350100M000100Y44", "校验位"),  # corrupted check character
        ("91350100M000100Y4", "18位"),
        ("91350100M0001O0Y43", "不允许的字符"),  # letter O
        ("913501A0M000100Y43", "不允许的字符"),  # area code not digits
    ],
)
def test_bad_credit_codes(value, fragment):
    assert fragment in credit_code_problem(value)


def test_lowercase_and_spaces_accepted():
    assert credit_code_problem(" 91350100m000100y43 ") == ""


def test_id_number():
    # 11010519491231002: Σ(digit × weight) = 167 -> 167 mod 11 = 2 -> "X"
    assert id_check_char("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X") == ""
    assert "校验位" in id_number_problem("110105194912310021")
    assert "18位" in id_number_problem("1101051949123")
    assert "出生日期" in id_number_problem("110105194902301" + "00" + id_check_char("11010519490230100"))
