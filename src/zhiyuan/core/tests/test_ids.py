from zhiyuan.core.ids import BIGINT_MAX, ids_from, row_id


def test_only_values_that_can_be_row_ids_are_kept():
    values = [
        "12",
        "007",
        "0",
        "-4",
        "²",
        "١٢",
        "1.5",
        "",
        " 3",
        str(BIGINT_MAX),
        str(BIGINT_MAX + 1),
    ]
    assert ids_from(values) == [12, 7, BIGINT_MAX]


def test_a_query_value_is_a_row_id_or_none():
    assert [row_id(v) for v in ("5", "", None, "0", "²", "5 ", str(BIGINT_MAX + 1))] == [
        5,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
