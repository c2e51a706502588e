"""The ID parser against other projects' test numbers, and for any 15- or 18-character input.

Whatever the place code (known, unknown, known only above county level) and whatever the
date or check digit, the parser returns a document or raises its own InvalidIdNumber;
registration through the API never answers 5xx.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiyuan.volunteers.idcard import (
    IdDocument,
    IdType,
    InvalidIdNumber,
    check_digit,
    parse_document,
)

# Valid in the test suites of a Go ID validator, a .NET validation library, a Rust ID-card
# crate and a JavaScript validator.
PEER_VALID = [
    "440308199901101512",
    "610104620927690",
    "120103198806018241",
    # stdnum knows 370986's province and prefecture but no county (it raised KeyError).
    "370986890623212",
    "632123820927051",
]
PEER_RESIDENCE_PERMITS = ["810000199408230021", "830000199201300022"]
# Place codes that exercise every branch of the reference table: known, retired, known only
# above county level, residence permits, unknown.
PLACE_CODES = ["110105", "370986", "440308", "610104", "810000", "830000", "999999", "000000"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("number", PEER_VALID)
def test_peer_numbers_are_valid_resident_ids(number):
    document = parse_document(IdType.RESIDENT_ID, number)
    assert len(document.number) == 18
    assert document.number[:6] == number[:6]


def test_a_place_code_known_only_above_county_level_is_a_warning():
    document = parse_document(IdType.RESIDENT_ID, "370986890623212")
    assert document.number == "370986198906232123"
    assert document.birth_date == dt.date(1989, 6, 23)
    assert any("place code" in warning for warning in document.warnings)


@pytest.mark.parametrize("number", PEER_RESIDENCE_PERMITS)
def test_peer_residence_permits_are_valid(number):
    document = parse_document(IdType.HMT_RESIDENCE, number)
    assert document.number == number
    assert not document.warnings


def _valid_or_not(body: str, make_valid: bool, last: str) -> str:
    return body + (check_digit(body) if make_valid else last)


@st.composite
def id_like(draw) -> str:
    """15- or 18-character inputs: a real-looking structure (any place code, any date, real or
    impossible, right or wrong check digit) or any characters at all."""
    if draw(st.booleans()):
        return draw(
            st.text(
                alphabet=st.sampled_from("0123456789Xx０１９Ｘ -.٣²\u00a0a"),
                min_size=15,
                max_size=18,
            ).filter(lambda text: len(text) in (15, 18))
        )
    place = draw(st.sampled_from(PLACE_CODES) | st.from_regex(r"\A[0-9]{6}\Z"))
    year = draw(st.integers(1850, 2100))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    sequence = draw(st.integers(0, 999))
    if draw(st.booleans()):
        return f"{place}{year % 100:02d}{month:02d}{day:02d}{sequence:03d}"
    body = f"{place}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    return _valid_or_not(body, draw(st.booleans()), draw(st.sampled_from("0123456789X")))


@settings(max_examples=400, deadline=None)
@given(number=id_like(), id_type=st.sampled_from([IdType.RESIDENT_ID, IdType.HMT_RESIDENCE]))
def test_any_15_or_18_character_input_parses_or_raises_invalid_id_number(number, id_type):
    try:
        document = parse_document(id_type, number)
    except InvalidIdNumber:
        return
    assert isinstance(document, IdDocument)
    assert len(document.number) == 18
    assert document.number[-1] == check_digit(document.number[:17])


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(number=id_like())
def test_registration_through_the_api_never_answers_5xx(cast, client_for, number):
    response = client_for(cast.alice).post(
        "/api/v1/volunteers",
        {
            "real_name": "属性测试",
            "id_number": number,
            "phone": "13900000100",
            "community_id": cast.a1.pk,
            "consent": True,
        },
        content_type="application/json",
    )
    assert response.status_code in (201, 400, 409), response.content
