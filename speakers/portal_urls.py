from django.urls import path

from . import portal_views as views

app_name = "speaker_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/<str:token>/", views.sign_in, name="sign_in"),
    path("mes-interventions/", views.slots, name="slots"),
    path("profil/", views.profile, name="profile"),
    path("restitution/<int:session_id>/", views.restitution, name="restitution"),
    path("documents/<int:session_id>/", views.session_documents, name="documents"),
    path("document/<int:document_id>/", views.document_download, name="document"),
    path("document/<int:document_id>/retirer/", views.document_remove, name="document_remove"),
    path("agenda.ics", views.calendar_download, name="calendar"),
    path("agenda/renouveler/", views.calendar_renew, name="calendar_renew"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("deconnexion/", views.sign_out, name="sign_out"),
]
