"""Public page URLs."""

from django.urls import path

from zhiyuan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("coverage/", views.coverage, name="coverage"),
    path("nearby-stations.json", views.nearby_stations, name="nearby_stations"),
]
