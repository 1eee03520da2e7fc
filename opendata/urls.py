from django.urls import include, path, re_path

from . import views
from .api import api

exports = (
    [
        path("<slug:slug>/schedule.xml", views.schedule_xml, name="schedule_xml"),
        path("<slug:slug>/schedule.json", views.schedule_json, name="schedule_json"),
    ],
    "opendata",
)

urlpatterns = [
    path("api/v1/", api.urls),  # namespace "api"
    re_path(r"^api/", views.api_not_found),
    path("", include(exports)),
]
