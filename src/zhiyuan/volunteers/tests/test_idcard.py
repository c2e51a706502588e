"""GB 11643 ID numbers and the other document types."""

import datetime as dt

import pytest
from django.utils import translation

from zhiyuan.volunteers.idcard import (
    IdType,
    InvalidIdNumber,
    InvalidPhone,
    check_digit,
    generate_gb11643,
    parse_document,
    parse_gb11643,
    parse_mobile,
)


@pytest.fixture(autouse=True)
def _english():
    """The assertions below read the English messages; one test checks the Chinese ones."""
    with translation.override("en"):
        yield


# Published examples: the GB 11643 standard's sample and a number whose check digit is X.
STANDARD_SAMPLE = "11010519491231002X"
MALE_SAMPLE = "110105194912310038"
# Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 indexes "10X98765432".
HAND_COMPUTED = {"11010519491231002": "X", "44052418800101001": "4", "12010119900517001": "8"}


@pytest.mark.parametrize(("body", "digit"), HAND_COMPUTED.items())
def test_check_digit_matches_the_hand_computed_value(body, digit):
    assert check_digit(body) == digit


def test_accepts_check_digit_x_and_derives_birth_date_and_female_gender():
    doc = parse_gb11643(STANDARD_SAMPLE)
    assert doc.number == STANDARD_SAMPLE
    assert doc.birth_date == dt.date(1949, 12, 31)
    assert doc.gender == "F"


def test_odd_sequence_digit_means_male():
    doc = parse_gb11643(MALE_SAMPLE)
    assert doc.gender == "M"


def test_lowercase_x_is_accepted():
    assert parse_gb11643(STANDARD_SAMPLE.lower()).number == STANDARD_SAMPLE


def test_full_width_digits_and_spaces_are_normalised_first():
    full_width = "１１０１０５ １９４９１２３１００２Ｘ"
    assert parse_gb11643(full_width).number == STANDARD_SAMPLE


@pytest.mark.parametrize("last", [d for d in "0123456789X" if d != "X"])
def test_wrong_check_digit_is_refused(last):
    with pytest.raises(InvalidIdNumber) as err:
        parse_gb11643(STANDARD_SAMPLE[:17] + last)
    assert "check digit" in str(err.value.message)


def test_every_generated_number_passes_its_own_check():
    for sequence in range(0, 1000, 37):
        number = generate_gb11643("120101", dt.date(2001, 2, 28), sequence)
        assert parse_gb11643(number).number == number


def test_impossible_date_is_refused_with_the_date_in_the_message():
    body = "11010519490230002"  # 30 February
    with pytest.raises(InvalidIdNumber) as err:
        parse_gb11643(body + check_digit(body))
    assert "19490230" in str(err.value.message)


def test_future_birth_date_is_refused():
    number = generate_gb11643("110105", dt.date(2030, 1, 1), 1)
    with pytest.raises(InvalidIdNumber) as err:
        parse_gb11643(number, today=dt.date(2026, 11, 29))
    assert "future" in str(err.value.message)


@pytest.mark.parametrize("raw", ["1101051949123100", "11010519491231002X1", "123"])
def test_wrong_length_is_refused_and_says_how_many_were_given(raw):
    with pytest.raises(InvalidIdNumber) as err:
        parse_gb11643(raw)
    assert str(len(raw)) in str(err.value.message)


def test_letters_inside_the_number_are_refused():
    with pytest.raises(InvalidIdNumber) as err:
        parse_gb11643("1101051949A231002X")
    assert "digits" in str(err.value.message)


def test_first_generation_15_digit_number_is_converted():
    doc = parse_gb11643("110105491231002")
    assert doc.number == STANDARD_SAMPLE
    assert doc.birth_date == dt.date(1949, 12, 31)


def test_unknown_place_code_is_a_warning_not_an_error():
    number = generate_gb11643("999999", dt.date(1990, 1, 1), 5)
    doc = parse_gb11643(number)
    assert doc.number == number
    assert doc.warnings


def test_residence_permit_must_start_with_81_82_or_83():
    permit = generate_gb11643("810000", dt.date(1995, 6, 1), 12)
    assert parse_document(IdType.HMT_RESIDENCE, permit).birth_date == dt.date(1995, 6, 1)
    with pytest.raises(InvalidIdNumber):
        parse_document(IdType.HMT_RESIDENCE, STANDARD_SAMPLE)


@pytest.mark.parametrize(
    ("id_type", "good", "bad"),
    [
        (IdType.HK_MACAU_PERMIT, "H12345678", "X12345678"),
        (IdType.TAIWAN_PERMIT, "12345678", "1234567"),
        (IdType.PASSPORT, "E12345678", "E1"),
        (IdType.FOREIGN_PERMANENT, "USA123456789012", "US123"),
    ],
)
def test_other_documents_have_their_own_formats(id_type, good, bad):
    doc = parse_document(id_type, good.lower())
    assert doc.number == good
    assert doc.birth_date is None
    with pytest.raises(InvalidIdNumber):
        parse_document(id_type, bad)


def test_errors_are_in_chinese_for_a_chinese_user():
    with translation.override("zh-hans"):
        with pytest.raises(InvalidIdNumber) as err:
            parse_gb11643(STANDARD_SAMPLE[:17] + "1")
        assert "校验位" in str(err.value.message)


def test_mobile_numbers_are_normalised_and_checked():
    assert parse_mobile("+86 138-0013-8000") == "13800138000"
    assert parse_mobile("１３８００１３８０００") == "13800138000"
    with pytest.raises(InvalidPhone):
        parse_mobile("12800138000")
    with pytest.raises(InvalidPhone):
        parse_mobile("1380013800")
