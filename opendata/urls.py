from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("<slug:slug>/schedule.xml", views.schedule_xml, name="schedule_xml"),
    path("<slug:slug>/schedule.json", views.schedule_json, name="schedule_json"),
]
