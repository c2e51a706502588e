"""A date at either end of Python's range typed into a period (0001-01-01, 9999-12-31) is the
field's error, not a server error: it cannot become a time in Asia/Shanghai and back."""

import pytest

pytestmark = pytest.mark.django_db

MESSAGE = "请填写 1900-01-01 至 2199-12-31 之间的日期。"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_project_list_from_a_date_out_of_range_is_the_fields_error(plan, client_for, day):
    response = client_for(None).get("/projects/", {"date_from": day})
    assert response.status_code == 200
    assert response.context["filters"].errors["date_from"] == [MESSAGE]


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "0001-01-02"), ("2026-01-01", "9999-12-31")]
)
def test_exchange_export_of_a_period_out_of_range_is_refused(plan, client_for, start, end):
    response = client_for(plan.alice).post(
        "/exchange/export/", {"start": start, "end": end, "format": "jsonl"}
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")]
)
def test_dashboard_of_a_period_out_of_range_says_so_and_shows_this_year(
    plan, client_for, start, end
):
    response = client_for(plan.alice).get("/reports/", {"start": start, "end": end})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
