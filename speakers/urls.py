from django.urls import path

from . import views

app_name = "speakers"

urlpatterns = [
    path("", views.speaker_list, name="speaker_list"),
    path("<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("documents/<int:pk>/", views.document, name="document"),
]
