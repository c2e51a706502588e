"""Small builders for engine tests: a volunteer and a demand that match unless told otherwise."""

import datetime as dt

from zhiyuan.matching import Demand, Volunteer

TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.datetime(2026, 12, 8, tzinfo=TZ)
LAT, LON = 31.2304, 121.4737
KM_LAT = 1 / 110.85  # degrees of latitude per km at this latitude


def at(hour: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hour)


def volunteer(id=1, *, north_km=0.0, **fields) -> Volunteer:
    values = {
        "skills": frozenset({"first_aid"}),
        "age": 30,
        "lat": LAT + north_km * KM_LAT,
        "lon": LON,
    }
    values.update(fields)
    return Volunteer(id=id, **values)


def demand(id="help:1", *, north_km=0.0, **fields) -> Demand:
    values = {
        "skills": frozenset({"first_aid"}),
        "lat": LAT + north_km * KM_LAT,
        "lon": LON,
        "start": at(9),
        "end": at(11),
    }
    values.update(fields)
    return Demand(id=id, **values)
