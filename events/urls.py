from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.health, name="health"),
    path("langue/<str:language>/", views.switch_language, name="switch_language"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("<slug:slug>/", views.stop_detail, name="stop_detail"),
    path("<slug:slug>/programme.ics", views.stop_calendar, name="stop_calendar"),
]
