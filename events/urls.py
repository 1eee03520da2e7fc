from django.urls import path

from . import calendar_views, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.health, name="health"),
    path("langue/<str:language>/", views.switch_language, name="switch_language"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("tournee/<slug:slug>/", views.tour_detail, name="tour_detail"),
    path("tournee/<slug:slug>/programme.ics", calendar_views.tour_feed, name="tour_calendar"),
    path("<slug:slug>/", views.stop_detail, name="stop_detail"),
    path("<slug:slug>/programme.ics", views.stop_calendar, name="stop_calendar"),
    path(
        "<slug:slug>/programme/<int:session_id>.ics",
        calendar_views.session_feed,
        name="session_calendar",
    ),
]
