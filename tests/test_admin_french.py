"""The back-office in correct French: elision, gender, plurals, and a history in French."""

import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from events.models import Contact, Partner, Session, Stop, Tour
from registrations import services
from registrations.models import Registration
from speakers.models import SessionSpeaker, Speaker
from tests.admin_forms import session_change_data, stop_change_data
from tests.factories import registration_details
from tests.pages import french

MODELS = [Tour, Stop, Session, Contact, Partner, Speaker, SessionSpeaker, Registration]

# What Django's generic French sentences make of our models' names.
FORBIDDEN = [
    "de inscription",
    "de intervenant",
    "de intervention",
    "de étape",
    "de introduction",
    "de adresse",
    "Ajout de ",
    "Modification de tournée",
    "Modification de session",
    "étapes sélectionnés",
    "inscriptions sélectionnés",
    "interventions sélectionnés",
    "sessions sélectionnés",
    "tournées sélectionnés",
    "Ajouter un objet",
    "Add another",
    "Sélectionnez l’objet",
    "1 places",
    "1 arrivé·es",
    "))",
    "Venue address",
    "Introduction et",
]


@pytest.fixture
def french_admin(admin_client):
    admin_client.cookies["django_language"] = "fr"
    return admin_client


@pytest.fixture
def day(demo_stop):
    """The upcoming demo day with one registration, so every list and form has a row."""
    from demo.data import DEMO_COPY_SLUG

    stop = Stop.objects.get(slug=DEMO_COPY_SLUG)
    workshop = stop.sessions.workshops().order_by("pk").first()
    registration, _ = services.register(
        stop=stop, workshops=[workshop], **registration_details(organisation="Ville de Sète")
    )
    return {"stop": stop, "workshop": workshop, "registration": registration}


def visible_text(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_correct_french(response, where):
    assert response.status_code == 200, where
    text = visible_text(response)
    found = [phrase for phrase in FORBIDDEN if phrase in text]
    assert found == [], f"{where}: {found}"
    # The inline formsets' "add another" label is in a data attribute, not in the text.
    assert "Ajouter un objet" not in response.content.decode(), where


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_admin_page_of_a_model_reads_as_correct_french(french_admin, day, model):
    obj = model.objects.order_by("pk").first()
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
        admin_url(model, "delete", obj.pk),
    ]:
        assert_correct_french(french_admin.get(url), url)


def test_titles_buttons_and_actions_agree_in_gender_and_elide(french_admin, day):
    registration = day["registration"]

    change = visible_text(french_admin.get(admin_url(Registration, "change", registration.pk)))
    add_speaker = visible_text(french_admin.get(admin_url(Speaker, "add")))
    stops = french_admin.get(admin_url(Stop, "changelist")).content.decode()
    session = french_admin.get(admin_url(Session, "change", day["workshop"].pk)).content.decode()

    assert "Modification de l’inscription" in change
    assert "Ajout d’un intervenant" in add_speaker
    assert "Supprimer les étapes sélectionnées" in stops
    assert "Ajouter une étape" in stops
    assert "Ajouter un intervenant" in session  # the line-up inline's "add another"


def test_the_custom_pages_read_as_correct_french(french_admin, day):
    stop = day["stop"]
    for name, args in [
        ("admin:index", []),
        ("admin:events_stop_dashboard", [stop.pk]),
        ("admin:events_stop_check_in", [stop.pk]),
        ("admin:events_stop_message", [stop.pk]),
        ("admin:events_stop_badges", [stop.pk]),
        ("admin:events_stop_attendance", [stop.pk, day["workshop"].pk]),
        ("admin:events_stop_certificates", [stop.pk]),
    ]:
        url = reverse(name, args=args)
        assert_correct_french(french_admin.get(url), url)


def test_the_sections_of_third_party_packages_are_named_in_french(french_admin):
    index = french_admin.get(reverse("admin:index")).text

    for english in ("Otp_Totp", "TOTP devices", "Tasks Database Backend", "Task Results"):
        assert english not in index
    for name in (
        "Double authentification",
        "Applications d’authentification",
        "File des tâches",
        "Tâches",
    ):
        assert name in index
    for changelist, title in [
        ("admin:otp_totp_totpdevice_changelist", "Applications d’authentification"),
        ("admin:django_tasks_database_dbtaskresult_changelist", "Tâches"),
    ]:
        page = french_admin.get(reverse(changelist))
        assert f"<title>{title} |" in page.text
        assert_correct_french(page, changelist)


def test_the_task_queue_reads_in_french(french_admin, day):
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.order_by("enqueued_at").first()  # the registration's e-mail

    listing = visible_text(
        french_admin.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    )
    page = visible_text(
        french_admin.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[task.pk]))
    )

    assert "Tâche Statut Mise en file le Commencée le Terminée le Priorité" in listing
    assert "Envoi d’un e-mail Prête" in listing
    assert "Par statut Tout Prête En cours Échouée Réussie" in listing
    assert "La tâche Envoi d’un e-mail" in page
    assert "Code de la tâche : background.outbox.deliver" in page
    assert "Arguments :" in page
    assert "Pas avant :" in page
    assert "Erreur :" in page
    for english in ("Task name", "Enqueued at", "Ready", "Queue name", "object (", "Traceback"):
        assert english not in listing + page


def test_every_task_of_the_code_is_named_for_the_organisers(settings):
    import ast
    import pathlib

    root = pathlib.Path(settings.BASE_DIR)
    tasks = set()
    for path in root.glob("[!.]*/**/*.py"):
        if path.parts[len(root.parts)] in {"tests", "node_modules", "benchmarks"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(
                getattr(getattr(d, "func", d), "id", None) == "task" for d in node.decorator_list
            ):
                module = ".".join(path.relative_to(root).with_suffix("").parts)
                tasks.add(f"{module}.{node.name}")

    assert tasks == set(settings.TASK_LABELS)


def test_authenticator_apps_are_seen_and_deleted_not_added_in_the_admin(french_admin, admin_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="Téléphone", confirmed=True)
    changelist = reverse("admin:otp_totp_totpdevice_changelist")

    listing = french_admin.get(changelist)
    page = visible_text(
        french_admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    )
    add = french_admin.get(reverse("admin:otp_totp_totpdevice_add"))
    secret_pages = [
        french_admin.get(f"{changelist}{device.pk}/{page}/", follow=True)
        for page in ("qrcode", "config")
    ]
    deleted = french_admin.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )

    text = visible_text(listing)
    assert "Utilisateur Nom Ajoutée le Dernière utilisation En service" in text
    assert "Rechercher par nom d’utilisateur ou adresse e-mail" in text
    assert "Par état Tout En service En attente de son premier code" in text
    assert "Ajouter une application" not in text
    assert "QR" not in text
    assert device.key not in listing.text + page  # the secret is never shown
    assert "Codes erronés d’affilée : 0" in " ".join(page.split())
    assert "Dernière utilisation : - " in page
    assert "None" not in page
    assert re.search(r"Ajoutée le : \w+ \d+ \w+ 20\d\d à \d+h\d\d", page)
    for english in ("Identity", "Timestamps", "Throttling", "The user that", "human-readable"):
        assert english not in page
    assert add.status_code == 403
    for secret_page in secret_pages:  # the package's QR code of the secret: not served
        assert secret_page["Content-Type"].startswith("text/html")
        assert device.config_url not in secret_page.content.decode()
        assert device.bin_key.hex() not in secret_page.content.decode()
    assert deleted.status_code == 302
    assert not TOTPDevice.objects.exists()


def test_one_place_taken_is_singular(french_admin, day):
    session = day["workshop"]
    url = admin_url(Session, "change", session.pk)

    response = french_admin.post(url, session_change_data(french_admin, session, capacity=0))

    assert "1 place est déjà réservée : le nombre de places ne peut pas être" in visible_text(
        response
    )
    session.refresh_from_db()
    assert session.capacity != 0


def test_history_names_only_the_field_changed_in_french(french_admin, day):
    stop = day["stop"]
    # A browser sends text areas with Windows line ends: untouched texts are not "changed".
    stop.intro = "Première ligne.\nDeuxième ligne."
    stop.save()
    data = stop_change_data(french_admin, stop, venue_address="1 place de la Comédie")
    data["intro"] = data["intro"].replace("\n", "\r\n")
    data["partners"] = [str(pk) for pk in stop.partners.values_list("pk", flat=True)]

    response = french_admin.post(admin_url(Stop, "change", stop.pk), data)

    assert response.status_code == 302
    entry = LogEntry.objects.filter(object_id=str(stop.pk)).latest("pk")
    assert json.loads(entry.change_message) == [{"changed": {"fields": ["venue address"]}}]
    history = visible_text(french_admin.get(admin_url(Stop, "history", stop.pk)))
    assert "Champ modifié : adresse du lieu." in history
    assert "introduction" not in history.lower()
    assert "Venue address" not in history


def test_history_counts_its_entries_in_french(french_admin, day):
    stop = day["stop"]
    stop_change = admin_url(Stop, "change", stop.pk)
    french_admin.post(stop_change, stop_change_data(french_admin, stop, venue_name="Salle A"))

    one = visible_text(french_admin.get(admin_url(Stop, "history", stop.pk)))
    french_admin.post(stop_change, stop_change_data(french_admin, stop, venue_name="Salle B"))
    two = visible_text(french_admin.get(admin_url(Stop, "history", stop.pk)))

    assert "1 entrée" in one
    assert "2 entrées" in two


def test_desk_search_finding_nobody_says_so_in_french(french_admin, day):
    url = reverse("admin:events_stop_check_in", args=[day["stop"].pk])

    page = visible_text(french_admin.get(url, {"q": "Personne-Inconnue"}))

    assert "Aucune personne trouvée. Une personne sans inscription ?" in page


def test_registrations_list_marks_a_waited_workshop_in_french(french_admin, day):
    stop, workshop = day["stop"], day["workshop"]
    Session.objects.filter(pk=workshop.pk).update(capacity=1)
    services.register(
        stop=stop,
        **registration_details(
            email="attente@example.org", workshops=[workshop], accept_waiting_list=True
        ),
    )

    page = visible_text(
        french_admin.get(admin_url(Registration, "changelist"), {"stop__id__exact": stop.pk})
    )

    assert f"{workshop.title} (liste d’attente)" in page
    assert "(waiting)" not in page


@pytest.mark.parametrize(
    ("app", "title"),
    [
        ("registrations", "Inscriptions"),
        ("speakers", "Intervenants"),
        ("events", "Tournée et étapes"),
    ],
)
def test_app_pages_are_titled_without_a_missing_elision(french_admin, db, app, title):
    page = french_admin.get(reverse("admin:app_list", args=[app])).content.decode()

    assert f"<h1>{french('Administration : ')}{title}</h1>" in page
    assert f"<title>{french('Administration : ')}{title} |" in page
    assert "Administration de " not in page
    assert "Prochaines journées" not in page  # the home's, not each app's


def view_on_site_links(response):
    """The "view on site" links of an admin page: the object's and its inline rows'."""
    html = response.content.decode()
    return re.findall(r'<a href="([^"]+)"[^>]*>\s*Voir sur le site', html)


def test_view_on_site_only_for_what_the_public_site_shows(french_admin, day):
    from tests.factories import SessionFactory, SessionSpeakerFactory, SpeakerFactory, StopFactory

    draft = StopFactory(status=Stop.Status.DRAFT)
    draft_session = SessionFactory(stop=draft)
    unseen = SpeakerFactory()  # in no line-up yet
    hidden = SpeakerFactory()
    SessionSpeakerFactory(speaker=hidden, session=draft_session)
    shown = SpeakerFactory()
    SessionSpeakerFactory(speaker=shown, session=day["workshop"])

    def links(model, obj):
        return view_on_site_links(french_admin.get(admin_url(model, "change", obj.pk)))

    assert links(Stop, draft) == []
    assert links(Session, draft_session) == []
    assert links(Speaker, unseen) == []
    assert links(Speaker, hidden) == []
    assert links(Stop, day["stop"])[0] == day["stop"].get_absolute_url()
    assert len(links(Stop, day["stop"])) == 1 + day["stop"].sessions.count()
    assert links(Session, day["workshop"]) == [day["workshop"].get_absolute_url()]
    assert links(Speaker, shown) == [shown.get_absolute_url()]
    assert french_admin.get(shown.get_absolute_url()).status_code == 200


def test_phone_registration_form_speaks_to_the_organiser(french_admin, day):
    page = visible_text(french_admin.get(admin_url(Registration, "add")))

    assert "Si la journée ou l’atelier est complet, inscrire la personne sur la liste" in page
    assert "m’inscrire" not in page


@pytest.mark.parametrize(
    ("language", "search", "expected"),
    [
        ("fr", "Personne-Inconnue", "0 inscription"),
        ("fr", "Ville de Sète", "1 inscription"),
        ("fr", "Ville de", "2 inscriptions"),
        ("en", "Personne-Inconnue", "0 registrations"),
        ("en", "Ville de Sète", "1 registration"),
    ],
)
def test_list_counts_agree_by_the_languages_rule(admin_client, day, language, search, expected):
    services.register(stop=day["stop"], **registration_details(organisation="Ville de Pau"))
    admin_client.cookies["django_language"] = language

    page = visible_text(admin_client.get(admin_url(Registration, "changelist"), {"q": search}))

    assert f" {expected} " in page
