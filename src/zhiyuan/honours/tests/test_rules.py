"""Candidate rules on the known year of service of the honours fixture (zhiyuan.testing.cast)."""

import datetime as dt

from django.utils import timezone

from zhiyuan.honours import rules, services
from zhiyuan.honours.models import Nomination


def open_round(c, kind, **rule_values):
    return services.open_round(
        actor=c.alice,
        kind=c.kinds[kind],
        year=c.year,
        level="district",
        region=c.district,
        awarding_body="区文明委",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        rules=rule_values,
    )


def test_volunteers_with_enough_hours_and_a_clean_record_are_proposed_best_first(honours):
    c = honours
    round_ = open_round(c, "outstanding_volunteer", min_hours=20)
    found = rules.candidates(round_)
    # frank has a no-show, gina a rejected record, hank too few hours.
    assert [cand.awardee_id for cand in found] == [c.carol.pk]
    assert found[0].evidence == {"hours": "40.00", "stars": 0, "no_shows": 0, "rejected": 0}


def test_loosened_rules_let_in_the_no_show_and_the_rejected_record(honours):
    c = honours
    round_ = open_round(c, "outstanding_volunteer", min_hours=20, max_no_shows=1, max_rejected=1)
    assert [cand.awardee_id for cand in rules.candidates(round_)] == [
        c.carol.pk,
        c.gina.pk,
        c.frank.pk,
    ]


def test_star_level_and_region_limit_the_candidates(honours):
    c = honours
    assert rules.candidates(open_round(c, "outstanding_volunteer", min_hours=1, min_stars=1)) == []
    sub = services.open_round(
        actor=c.bob,
        kind=c.kinds["outstanding_volunteer"],
        year=c.year,
        level="district",
        region=c.sub_a,
        awarding_body="新兴街道",
        deadline=timezone.localdate(),
        rules={"min_hours": 1, "max_no_shows": 5, "max_rejected": 5},
    )
    # gina lives in B1, outside subdistrict A.
    assert {cand.awardee_id for cand in rules.candidates(sub)} == {
        c.carol.pk,
        c.frank.pk,
        c.hank.pk,
    }


def test_other_years_do_not_count(honours):
    c = honours
    round_ = services.open_round(
        actor=c.alice,
        kind=c.kinds["outstanding_volunteer"],
        year=c.year - 1,
        level="district",
        region=c.district,
        awarding_body="区文明委",
        deadline=timezone.localdate(),
        rules={"min_hours": 1},
    )
    assert rules.candidates(round_) == []


def test_teams_by_members_hours_and_projects_run(honours):
    c = honours
    found = rules.candidates(open_round(c, "outstanding_team", min_hours=30, min_projects=1))
    # squad_1a: carol (40 h) is its only active member and it runs the project.
    assert [(cand.awardee_id, cand.evidence) for cand in found] == [
        (c.squad_1a.pk, {"member_hours": "40.00", "projects": 1})
    ]
    assert rules.candidates(open_round(c, "outstanding_team", min_hours=30, min_projects=2)) == []


def test_projects_and_stations_by_activities_and_person_times(honours):
    c = honours
    found = rules.candidates(
        open_round(c, "outstanding_project", min_activities=3, min_person_times=2)
    )
    assert [(cand.awardee_id, cand.evidence) for cand in found] == [
        (c.project.pk, {"activities": 3, "person_times": 2})
    ]
    assert rules.candidates(open_round(c, "outstanding_project", min_person_times=3)) == []
    stations = rules.candidates(open_round(c, "service_base", min_activities=3, min_person_times=1))
    assert [(s.awardee_id, s.evidence) for s in stations] == [
        (c.station.pk, {"activities": 3, "person_times": 1})
    ]


def test_proposing_shortlists_once_and_keeps_removed_candidates_out(honours):
    c = honours
    round_ = open_round(c, "outstanding_volunteer", min_hours=20, max_no_shows=1)
    assert services.propose_candidates(actor=c.alice, round=round_) == 2
    carol = Nomination.objects.get(volunteer=c.carol)
    services.remove_candidate(actor=c.alice, nomination=carol, reason="另有安排")
    assert services.propose_candidates(actor=c.alice, round=round_) == 0
    states = dict(Nomination.objects.values_list("volunteer_id", "state"))
    assert states == {c.carol.pk: "removed", c.frank.pk: "shortlisted"}


def test_unknown_or_bad_rules_are_refused(honours):
    import pytest

    from zhiyuan.core.errors import ValidationFailed

    c = honours
    with pytest.raises(ValidationFailed) as caught:
        open_round(c, "outstanding_volunteer", min_activities=2, limit=0, min_hours="many")
    assert set(caught.value.errors) == {"min_activities", "limit", "min_hours"}


def test_poor_service_ratings_and_upheld_complaints_keep_a_volunteer_off_the_list(honours):
    from django.contrib.auth.models import AnonymousUser

    from zhiyuan.feedback.models import Complaint, ServiceRating
    from zhiyuan.feedback.services import file_complaint
    from zhiyuan.projects.models import Activity

    c = honours
    in_the_year = timezone.make_aware(dt.datetime(c.year, 7, 1, 12))
    rating = ServiceRating.objects.create(
        activity=Activity.objects.first(), volunteer=c.carol, score=2, rated_by=c.alice
    )
    ServiceRating.objects.filter(pk=rating.pk).update(created_at=in_the_year)
    found = rules.candidates(open_round(c, "outstanding_volunteer", min_hours=20))
    assert found[0].evidence["rating"] == 2.0
    assert (
        rules.candidates(open_round(c, "outstanding_volunteer", min_hours=20, min_rating=3)) == []
    )

    complaint = file_complaint(
        actor=AnonymousUser(),
        subject_type="volunteer",
        subject=c.carol.volunteer_no,
        what="服务中态度恶劣",
        happened_on=dt.date(c.year, 7, 1),
    )
    Complaint.objects.filter(pk=complaint.pk).update(status="resolved", filed_at=in_the_year)
    assert rules.candidates(open_round(c, "outstanding_volunteer", min_hours=20)) == []


def test_poor_activity_ratings_keep_a_project_its_station_and_its_team_off_the_list(honours):
    from zhiyuan.feedback.models import ActivityRating, RatingTally
    from zhiyuan.feedback.services import tally_rating
    from zhiyuan.projects.models import Activity

    c = honours
    activity = Activity.objects.filter(project=c.project, station=c.station).first()
    ActivityRating.objects.create(
        activity=activity, volunteer=c.carol, team=c.project.organiser, score=2, team_score=1
    )
    tally_rating(activity, RatingTally.Kind.ACTIVITY, c.carol, 2, 1)

    project_rules = {"min_activities": 3, "min_person_times": 2}
    (project,) = rules.candidates(open_round(c, "outstanding_project", **project_rules))
    assert project.evidence["rating"] == 2.0
    assert (
        rules.candidates(open_round(c, "outstanding_project", **project_rules, min_rating=3)) == []
    )
    station_rules = {"min_activities": 3, "min_person_times": 1}
    (station,) = rules.candidates(open_round(c, "service_base", **station_rules))
    assert station.evidence["rating"] == 2.0
    assert rules.candidates(open_round(c, "service_base", **station_rules, min_rating=3)) == []
    team_rules = {"min_hours": 30, "min_projects": 1}
    (team,) = rules.candidates(open_round(c, "outstanding_team", **team_rules))
    assert team.evidence["rating"] == 1.0  # the volunteers' rating of the organiser
    assert rules.candidates(open_round(c, "outstanding_team", **team_rules, min_rating=2)) == []


def test_the_volunteer_rules_pass_no_list_of_ids_to_the_database(honours):
    """A district has more volunteers with hours than SQLite takes parameters (32,766): the
    queries must not grow with the candidates (the 350,000-volunteer demo failed here)."""
    from django.db import connection

    def most_parameters(**rule_values):
        round_ = open_round(honours, "outstanding_volunteer", **rule_values)
        sizes = []

        def count(execute, sql, params, many, context):
            sizes.append(len(params or ()))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            found = rules.candidates(round_)
        return len(found), max(sizes)

    few, few_parameters = most_parameters(min_hours=20)
    many, many_parameters = most_parameters(min_hours=1, max_no_shows=5, max_rejected=5)
    assert many > few
    assert many_parameters == few_parameters
