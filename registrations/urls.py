from django.urls import path

from . import survey_views, views

app_name = "registrations"

urlpatterns = [
    path("confidentialite/", views.privacy, name="privacy"),
    path("inscription/nouveau-lien/", views.fresh_link, name="fresh_link"),
    path("inscription/<str:token>/", views.manage, name="manage"),
    path("inscription/<str:token>/ateliers/", views.change_workshops, name="change_workshops"),
    path("inscription/<str:token>/participation/", views.change_mode, name="change_mode"),
    path("inscription/<str:token>/coordonnees/", views.change_details, name="change_details"),
    path("inscription/<str:token>/annulation/", views.cancel, name="cancel"),
    path("inscription/<str:token>/avis/", survey_views.survey, name="survey"),
    path("inscription/<str:token>/agenda.ics", views.personal_calendar, name="calendar"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/inscription/merci/", views.received, name="received"),
]
