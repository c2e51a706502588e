"""Operations pages: personal-data export and anonymisation (mounted at /ops/)."""

from django.urls import path

from zhiyuan.ops import views

app_name = "ops"
urlpatterns = [
    path("privacy/me/export.json", views.my_export, name="my_export"),
    path(
        "privacy/volunteers/<str:volunteer_no>/export/",
        views.volunteer_export,
        name="volunteer_export",
    ),
    path("privacy/volunteers/<str:volunteer_no>/anonymise/", views.anonymise, name="anonymise"),
]
