import datetime as dt

import pytest

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.burden import services
from edugov.burden.models import Homework, HomeworkType
from edugov.common.errors import DomainError, PermissionDenied
from edugov.testing import make_class

pytestmark = pytest.mark.django_db
D = dt.date


def publish(district, **overrides):
    data = {
        "actor": district.users[Role.TEACHER],
        "school_class": district.class_a1,
        "subject": "语文",
        "date": D(2025, 9, 8),
        "homework_type": HomeworkType.WRITTEN,
        "content": "抄写第三课生字",
        "estimated_minutes": 20,
    }
    data.update(overrides)
    return services.homework_publish(**data)


def test_teacher_publishes_for_own_class_and_it_is_audited(district):
    hw = publish(district)
    assert hw.teacher_id == district.teacher_a.pk
    event = AuditEvent.objects.get(model="burden.Homework", object_id=str(hw.pk))
    assert event.action == "create"
    assert event.area_path == district.town_a.path


def test_teacher_cannot_publish_for_another_class(district):
    with pytest.raises(PermissionDenied):
        publish(district, school_class=district.class_a2)
    with pytest.raises(PermissionDenied):
        publish(district, school_class=district.class_b1)
    assert not Homework.objects.exists()


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER, Role.LEADER])
def test_only_teachers_publish(district, role):
    with pytest.raises(PermissionDenied):
        publish(district, actor=district.users[role])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"estimated_minutes": 0}, "1～240"),
        ({"estimated_minutes": -5}, "1～240"),
        ({"estimated_minutes": 241}, "1～240"),
        ({"date": D(2025, 10, 2)}, "2025年10月2日不是上课日（法定节假日）"),
        ({"date": D(2025, 9, 13)}, "周末"),
        ({"date": D(2025, 8, 29)}, "2025年8月29日不在该班级所属学年内"),
        ({"date": D(2026, 1, 27)}, "寒假"),
        ({"content": "  "}, "作业内容"),
        ({"subject": ""}, "学科"),
        ({"homework_type": "essay"}, "作业类型"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_saved(district, overrides, message):
    with pytest.raises(DomainError) as exc:
        publish(district, **overrides)
    assert message in exc.value.message
    assert not Homework.objects.exists()


def test_make_up_sunday_is_a_school_day(district):
    assert publish(district, date=D(2025, 9, 28)).date == D(2025, 9, 28)


def test_no_written_homework_in_grades_1_and_2(district):
    from edugov.registry.models import TeachingAssignment

    grade1 = make_class(school=district.school_a, year=district.year, grade=1, number=1)
    TeachingAssignment.objects.create(teacher=district.teacher_a, school_class=grade1, subject="语文")
    with pytest.raises(DomainError) as exc:
        publish(district, school_class=grade1)
    assert "一、二年级不布置家庭书面作业" in exc.value.message
    assert publish(district, school_class=grade1, homework_type=HomeworkType.ORAL).pk


def test_duplicate_submission_is_refused(district):
    publish(district)
    with pytest.raises(DomainError) as exc:
        publish(district, content="另一份")
    assert "请勿重复提交" in exc.value.message
    assert Homework.objects.count() == 1
    # another type on the same day is a separate entry
    publish(district, homework_type=HomeworkType.ORAL)
    assert Homework.objects.count() == 2


def test_withdraw_only_own_entries(district):
    hw = publish(district)
    with pytest.raises(PermissionDenied):
        services.homework_withdraw(actor=district.users[Role.LEADER], homework=hw)
    services.homework_withdraw(actor=district.users[Role.TEACHER], homework=hw)
    assert not Homework.objects.exists()
    assert AuditEvent.objects.filter(model="burden.Homework", action="delete").count() == 1


def test_board_token_is_unguessable_and_stable(district):
    teacher = district.users[Role.TEACHER]
    board = services.class_board_ensure(actor=teacher, school_class=district.class_a1)
    assert len(board.token) >= 32
    assert services.class_board_ensure(actor=teacher, school_class=district.class_a1).token == board.token
    with pytest.raises(PermissionDenied):
        services.class_board_ensure(actor=teacher, school_class=district.class_b1)
    old = board.token
    services.class_board_rotate(actor=teacher, board=board)
    assert board.token != old


def test_exam_registration_checks_term_and_grade(district):
    from edugov.burden.models import Exam

    term = district.year.terms.get(number=1)
    admin = district.users[Role.SCHOOL_ADMIN]
    exam = services.exam_register(
        actor=admin, school=district.school_a, term=term, grade=1, subject="数学", kind="end_of_term",
        date=D(2026, 1, 15),
    )  # fmt: skip
    assert exam.pk
    with pytest.raises(DomainError):
        services.exam_register(
            actor=admin, school=district.school_a, term=term, grade=8, subject="数学", kind="mid_term",
            date=D(2025, 11, 5),
        )  # fmt: skip
    with pytest.raises(DomainError):
        services.exam_register(
            actor=admin, school=district.school_a, term=term, grade=3, subject="数学", kind="end_of_term",
            date=D(2026, 3, 5),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.exam_register(
            actor=admin, school=district.school_b, term=term, grade=3, subject="数学", kind="end_of_term",
            date=D(2026, 1, 15),
        )  # fmt: skip
    assert Exam.objects.count() == 1


def test_a_refusal_prints_its_date_the_chinese_way_and_the_api_keeps_it_iso(district):
    """One formatter (edugov.common.dates): the message reads 2025年9月13日, the API's params the
    date itself (JSON-encoded as 2025-09-13)."""
    from rest_framework.utils.encoders import JSONEncoder

    with pytest.raises(DomainError) as exc:
        publish(district, date=D(2025, 9, 13))
    assert exc.value.message.startswith("2025年9月13日不是上课日")
    assert "2025-09-13" not in exc.value.message
    assert JSONEncoder().encode(exc.value.params["date"]) == '"2025-09-13"'
