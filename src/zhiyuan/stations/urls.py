"""Station page URLs (the poster's short check-in URL /s/<token>/ is in config/urls.py)."""

from django.urls import path

from zhiyuan.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("map/", views.station_map, name="map"),
    path("new/", views.station_create, name="create"),
    path("<int:station_id>/", views.station_detail, name="detail"),
    path("<int:station_id>/audit/", views.station_audit, name="audit"),
    path("<int:station_id>/rotate/", views.station_rotate, name="rotate"),
    path("<int:station_id>/managers/", views.station_managers, name="managers"),
    path("<int:station_id>/poster.<str:fmt>", views.station_poster, name="poster"),
]
