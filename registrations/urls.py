from django.urls import path

from . import attendance_views, my_tour_views, privacy_views, survey_views, views

app_name = "registrations"

urlpatterns = [
    path("confidentialite/", views.privacy, name="privacy"),
    path("inscription/nouveau-lien/", views.fresh_link, name="fresh_link"),
    path("inscription/reponse/<str:token>/", attendance_views.attendance, name="attendance"),
    path("inscription/<str:token>/", views.manage, name="manage"),
    path("inscription/<str:token>/ateliers/", views.change_workshops, name="change_workshops"),
    path("inscription/<str:token>/participation/", views.change_mode, name="change_mode"),
    path("inscription/<str:token>/coordonnees/", views.change_details, name="change_details"),
    path("inscription/<str:token>/annulation/", views.cancel, name="cancel"),
    path("inscription/<str:token>/avis/", survey_views.survey, name="survey"),
    path("inscription/<str:token>/agenda.ics", views.personal_calendar, name="calendar"),
    path("inscription/<str:token>/billet.png", views.ticket, name="ticket"),
    path("inscription/<str:token>/mes-donnees.json", privacy_views.download_data, name="my_data"),
    path("inscription/<str:token>/effacement/", privacy_views.erase, name="erase"),
    path("inscription/<str:token>/attestation.pdf", views.certificate, name="certificate"),
    path("attestation/<str:code>/", views.certificate_check, name="certificate_check"),
    path("mon-parcours/", my_tour_views.home, name="tour_home"),
    path("mon-parcours/connexion/<str:token>/", my_tour_views.sign_in, name="tour_sign_in"),
    path("mon-parcours/mes-journees/", my_tour_views.page, name="my_tour"),
    path("mon-parcours/deconnexion/", my_tour_views.sign_out, name="tour_sign_out"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/inscription/merci/", views.received, name="received"),
]
