from zhiyuan.core.ids import BIGINT_MAX, ids_from


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
