from django.urls import path

from zhiyuan.helpdesk import views

app_name = "helpdesk"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("received/", views.received, name="received"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_code, name="track_code"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/reveal/", views.request_reveal, name="request_reveal"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/<slug:action>/", views.request_action, name="request_action"),
    path("recipients/", views.recipient_list, name="recipient_list"),
    path("recipients/new/", views.recipient_new, name="recipient_new"),
    path("recipients/<int:pk>/", views.recipient_detail, name="recipient_detail"),
    path("recipients/<int:pk>/reveal/", views.recipient_reveal, name="recipient_reveal"),
    path("matching/", views.runs, name="runs"),
    path("matching/<int:pk>/", views.run_detail, name="run_detail"),
    path("proposals/<int:pk>/<slug:action>/", views.proposal_action, name="proposal_action"),
    path("recommended/", views.recommended, name="recommended"),
]
