"""Ratings: volunteers rate an activity and its organisation; organisers rate each volunteer."""

import pytest

from zhiyuan.feedback.models import ActivityRating, ServiceRating
from zhiyuan.feedback.selectors import service_scores
from zhiyuan.service.checkin import organiser_check_in

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def served(live):
    organiser_check_in(actor=live.carol_user, shift=live.now_shift)
    return live


def test_volunteer_who_served_rates_the_activity_and_its_team_once(served, client_for):
    client = client_for(served.gina.user)
    url = f"/api/v1/activities/{served.activity.pk}/ratings"
    response = post(client, url, {"score": 5, "team_score": 4, "comment": "组织有序"})
    assert response.status_code == 201, response.content
    rating = ActivityRating.objects.get()
    assert (rating.score, rating.team_score, rating.team) == (5, 4, served.squad_1a)
    again = post(client, url, {"score": 1, "team_score": 1})
    assert again.status_code == 409
    assert ActivityRating.objects.get().score == 5


def test_volunteer_who_did_not_serve_cannot_rate(live, client_for):
    response = post(
        client_for(live.gina.user),
        f"/api/v1/activities/{live.activity.pk}/ratings",
        {"score": 5, "team_score": 5},
    )
    assert response.status_code == 403
    assert not ActivityRating.objects.exists()


def test_rating_outside_one_to_five_is_refused(served, client_for):
    response = post(
        client_for(served.gina.user),
        f"/api/v1/activities/{served.activity.pk}/ratings",
        {"score": 6, "team_score": 0},
    )
    assert response.status_code == 422 or response.status_code == 400
    assert not ActivityRating.objects.exists()


def test_organiser_rates_a_volunteers_service_and_it_feeds_her_score(served, client_for):
    url = f"/api/v1/activities/{served.activity.pk}/service-ratings"
    response = post(
        client_for(served.carol_user), url, {"volunteer_no": served.gina.volunteer_no, "score": 4}
    )
    assert response.status_code == 201, response.content
    assert service_scores([served.gina.pk]) == {served.gina.pk: (4.0, 1)}
    outsider = post(client_for(served.gina.user), url, {"volunteer_no": "X", "score": 4})
    assert outsider.status_code in (403, 404)
    assert ServiceRating.objects.count() == 1


def test_organiser_cannot_rate_someone_who_did_not_serve(live, client_for):
    response = post(
        client_for(live.carol_user),
        f"/api/v1/activities/{live.activity.pk}/service-ratings",
        {"volunteer_no": live.gina.volunteer_no, "score": 4},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["volunteer"]


def test_rating_pages_for_the_volunteer_and_the_organiser(served, client_for):
    url = f"/feedback/activities/{served.activity.pk}/"
    gina = client_for(served.gina.user)
    assert 'id="rate-activity"' in gina.get(url).content.decode()
    gina.post(url, {"action": "rate_activity", "score": "4", "team_score": "5"})
    assert 'id="my-rating"' in gina.get(url).content.decode()
    carol = client_for(served.carol_user)
    assert served.gina.volunteer_no in carol.get(url).content.decode()
    carol.post(url, {"action": "rate_service", "volunteer": served.gina.pk, "score": "5"})
    assert ServiceRating.objects.get(volunteer=served.gina).score == 5


def test_poor_service_ratings_weigh_down_reliability_in_matching(served):
    from zhiyuan.helpdesk import proposals
    from zhiyuan.projects.models import Activity

    later = Activity.objects.create(
        project=served.project,
        title="第二次",
        station=served.station,
        starts_at=served.activity.starts_at,
        ends_at=served.activity.ends_at,
    )
    ServiceRating.objects.create(
        activity=served.activity, volunteer=served.gina, score=1, rated_by=served.carol_user
    )
    # One rating is not enough to judge anyone by.
    assert proposals._reliability_factors([served.gina.pk]) == {}
    ServiceRating.objects.create(
        activity=later, volunteer=served.gina, score=1, rated_by=served.carol_user
    )
    assert proposals._reliability_factors([served.gina.pk]) == {served.gina.pk: 0.6}


def test_ratings_are_tallied_for_the_statistics_as_they_are_given(served, client_for):
    from zhiyuan.feedback.models import RatingTally

    post(
        client_for(served.gina.user),
        f"/api/v1/activities/{served.activity.pk}/ratings",
        {"score": 5, "team_score": 3},
    )
    post(
        client_for(served.carol_user),
        f"/api/v1/activities/{served.activity.pk}/service-ratings",
        {"volunteer_no": served.gina.volunteer_no, "score": 2},
    )
    tallies = {
        t.kind: (t.place_id, t.ratings, t.score_sum, t.team_score_sum)
        for t in RatingTally.objects.filter(activity=served.activity)
    }
    place = served.activity.station.region_id
    assert tallies == {"activity": (place, 1, 5, 3), "service": (place, 1, 2, 0)}


def test_poor_service_ratings_lower_the_reliability_the_matching_engine_scores(served):
    from zhiyuan.helpdesk.proposals import engine_volunteers
    from zhiyuan.projects.models import Activity
    from zhiyuan.volunteers.models import Volunteer

    # gina lives where the station is, so the engine can place her.
    Volunteer.objects.filter(pk=served.gina.pk).update(community_id=served.station.region_id)
    served.gina.refresh_from_db()

    def reliability():
        start = served.activity.starts_at
        (built,) = engine_volunteers([served.gina], start=start, end=served.activity.ends_at)
        return built.reliability

    before = reliability()
    later = Activity.objects.create(
        project=served.project,
        title="第二次",
        station=served.station,
        starts_at=served.activity.starts_at,
        ends_at=served.activity.ends_at,
    )
    for activity in (served.activity, later):
        ServiceRating.objects.create(
            activity=activity, volunteer=served.gina, score=1, rated_by=served.carol_user
        )
    assert reliability() == pytest.approx(before * 0.6)
