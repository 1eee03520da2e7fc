"""Demo data: the 2023-2024 IntercoTOUR as printed, with the whole Montpellier programme.

The content comes from the printed programme of the Montpellier stop (7 December 2023). Rooms,
workshop seat counts and the day's in-person capacity are not printed: they are plausible values
chosen for the demo. ``load_demo`` is idempotent: running it again changes nothing.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.content import bump_content_version
from events.models import Contact, Partner, Session, Stop, Tour
from speakers.models import SessionSpeaker, Speaker

from . import texts

PARIS = ZoneInfo("Europe/Paris")
MONTPELLIER_SLUG = "transfo-montpellier-07122023"
DEMO_COPY_SLUG = "demo-ia-generative-montpellier"
# Printed: "Suivez les journées experts en direct sur twitter : @interconnectes #intercoTour".
SOCIAL_LINE = "@interconnectes #intercoTour"

TOUR = {
    "slug": "intercotour-2023-2024",
    "name": "IntercoTOUR 2023-2024",
    "organiser": "Les Interconnectés",
    "intro": texts.TOUR_INTRO,
    "manifesto_title": "Manifeste pour des territoires numériques responsables",
    "manifesto": texts.MANIFESTO,
    "social_line": SOCIAL_LINE,
}

# (slug, region, city, date, theme) as listed in the seed's "L'INTERCOTOUR" box.
STOPS = [
    ("numerique-responsable-strasbourg-14062023", "Grand Est", "Strasbourg",
     datetime.date(2023, 6, 14), "Numérique responsable"),
    ("data-paris-06072023", "Île-de-France", "Paris", datetime.date(2023, 7, 6), "Data"),
    ("cybersecurite-pau-05102023", "Nouvelle Aquitaine", "Pau", datetime.date(2023, 10, 5),
     "Cybersécurité"),
    ("inclusion-le-mans-09112023", "Pays de la Loire", "Le Mans", datetime.date(2023, 11, 9),
     "Inclusion numérique"),
    (MONTPELLIER_SLUG, "Occitanie", "Montpellier", datetime.date(2023, 12, 7),
     "Transformation des métiers et IA générative"),
    ("relation-usagers-chambery-30012024", "Auvergne-Rhône-Alpes", "Chambéry",
     datetime.date(2024, 1, 30), "Relation aux usagers"),
    ("ia-territoires-paris-08022024", "Île-de-France", "Paris", datetime.date(2024, 2, 8),
     "Intelligence artificielle et territoires"),
]  # fmt: skip

MONTPELLIER = {
    "title": "L’IA générative va-t-elle nous remplacer ?",
    "intro": "",
    "highlights_title": "Intelligence artificielle, les territoires s’engagent !",
    "highlights": texts.HIGHLIGHTS,
    "venue_name": "Hôtel de Montpellier Méditerranée Métropole",
    "venue_address": "50 place Zeus BP 9531\n34045 Montpellier",
    # As printed, under "TRANSPORTS EN COMMUN" (the page's headings say "by car", "from the
    # railway station" for the printed "En voiture :" and "Depuis la gare :").
    "access_public_transport": (
        "En tram : Depuis la Gare Saint-Roch : prendre la ligne 1 et descendre à l’arrêt "
        "Léon Blum (9min)"
    ),
    "access_car": "Parking à proximité : Tam Montpellier-Parking (2min à pieds)",
    "access_from_station": "6min à pieds depuis la Gare Saint-Roch",
    "hashtag": SOCIAL_LINE,
    # Printed as "Plus d'infos sur :": an information page, not a live stream (none printed).
    "more_info_url": "https://www.evenements.interconnectes.com/transfo-montpellier-07122023",
    "online_url": "",
    "capacity": 150,
}

# key: (first name, last name, job title, organisation, bio)
SPEAKERS = {
    "reynaud": ("Manu", "Reynaud",
                "Adjoint au Maire de Montpellier, Délégué à la Ville numérique et Intelligente, "
                "Conseiller", "Montpellier Méditerranée Métropole", ""),
    "colucci": ("Céline", "Colucci", "Déléguée générale", "Les Interconnectés", ""),
    "ferguson": ("Yann", "Ferguson", "Responsable scientifique", "LaborIA & Matrice", ""),
    "derras": ("Mustapha", "Derras", "Directeur de la Recherche et de l’Innovation",
               "Berger-Levrault", ""),
    "devineau": ("Pierre-Etienne", "Devineau", "Lead Data Scientist @ Etalab", "DINUM", ""),
    "folcher": ("Pauline", "Folcher", "Maitresse de conférences", "Université de Montpellier", ""),
    "oberti": ("Jacques", "Oberti", "Président", "Communauté d’Agglomération du Sicoval", ""),
    "clement": ("Jean-Philippe", "Clément",
                "Directeur général adjoint des services en charge de l’espace public et des "
                "équipements", "Mairie du 17e Paris", ""),
    "dehais": ("Benoit", "Dehais", "DSI", "Conseil Régional Occitanie", ""),
    "guyon": ("Patrick", "Guyon", "Chargé du pilotage de la stratégie numérique",
              "Métropole Aix-Marseille-Provence", ""),
    "germain": ("Christelle", "Germain", "Responsable service coordination fonction ressources",
                "Montpellier Méditerranée Métropole", ""),
    "roffini": ("Jean-Baptiste", "Roffini", "Co-fondateur", "Delibia", ""),
    "croitoru": ("Madalina", "Croitoru", "Chercheur et Professeur des Universités",
                 "Le Laboratoire d’Informatique, de Robotique et de Microélectronique de "
                 "Montpellier – LIRMM & IA cluster", ""),
    "martinez": ("Julien", "Martinez", "Co-fondateur", "IA FACTORY", ""),
    "morquin": ("David", "Morquin", "Président de la délégation à l’Usage du Numérique",
                "CHU de Montpellier", ""),
    "bernard": ("Marie", "Bernard", "Cheffe de projet innovation et numérique",
                "Nantes Métropole", ""),
    "miellet": ("Philippe", "Miellet", "Directeur général, Associé", "Edater", ""),
    "morand": ("Julie", "Morand",
               "Chargée de déploiement en régions Occitanie et Nouvelle-Aquitaine", "SynBird", ""),
    "raulet": ("Jérôme", "Raulet", "Responsable commercial", "PredExIA", ""),
    "muller": ("Jean-Paul", "Muller", "Global practice manager AI", "Inetum", ""),
}  # fmt: skip

# What a session's programme prints beside a name when it differs from the speaker's profile:
# key: {"job_title": ..., "organisation": ...} (SessionSpeaker's fields), in every session of
# the printed day.
AS_PRINTED_IN_SESSIONS = {
    "clement": {"organisation": "Mairie du 17e Paris, Animateur du podcast Parlez-moi d’IA"},
}

S, INTRO, W = (
    SessionSpeaker.Role.SPEAKER,
    SessionSpeaker.Role.INTRODUCTION,
    SessionSpeaker.Role.WITH,
)
K = Session.Kind

# (start, end, kind, title, description, room, capacity, [(speaker key, role), ...])
PROGRAMME = [
    ("08:30", "09:00", K.WELCOME, "Accueil autour d’un café", "", "", None, []),
    ("09:00", "09:20", K.INTRODUCTION, "Introduction de la journée", "", "", None,
     [("reynaud", S), ("colucci", S)]),
    ("09:20", "10:45", K.PLENARY,
     "Conférence plénière stratégique : entre risques et opportunités quels choix pour nos "
     "organisations ?", "", "Salle du Conseil", None,
     [("ferguson", INTRO), ("derras", S), ("devineau", S), ("folcher", S), ("oberti", S),
      ("reynaud", S)]),
    ("11:00", "11:30", K.KEYNOTE, "Keynote expert", "", "Salle du Conseil", None, []),
    ("11:30", "12:30", K.ROUND_TABLE,
     "La parole à ceux qui expérimentent l’IA générative dans leurs collectivités", "",
     "Salle du Conseil", None,
     [("clement", S), ("dehais", S), ("guyon", S), ("germain", S), ("roffini", W),
      ("croitoru", S)]),
    ("12:30", "14:00", K.BREAK, "Temps déjeuner / échanges", "", "", None, []),
    ("14:00", "15:00", K.TESTIMONIALS,
     "Témoignages – comment j’intègre l’IA générative dans mon métier", "", "Salle du Conseil",
     None, [("martinez", S), ("morquin", S)]),
    ("15:00", "16:30", K.WORKSHOP, "IA et aide à la décision : qui commande ?",
     "Atelier participatif de mise en œuvre.", "Atelier A", 40,
     [("bernard", S), ("miellet", S)]),
    ("15:00", "16:30", K.WORKSHOP, "L’IA nous rend-elle plus efficaces ?",
     "Atelier participatif de mise en œuvre.", "Atelier B", 40,
     [("clement", S), ("morand", S), ("raulet", S)]),
    ("15:00", "16:30", K.WORKSHOP,
     "Comment former et accompagner les élus, managers et agents ?",
     "Atelier participatif de mise en œuvre.", "Atelier C", 30,
     [("martinez", S), ("muller", S)]),
    ("16:30", "17:00", K.CLOSING, "Clôture de la journée",
     "Restitution des travaux de l’après-midi par le rapporteur de chaque atelier et conclusion "
     "de la journée.", "Salle du Conseil", None, [("reynaud", S)]),
]  # fmt: skip

CONTACTS = [
    ("Céline Colucci", "Déléguée générale, Relation aux élus, Presse, Programme de la journée",
     "ccolucci@interconnectes.com", "06 10 86 23 87"),
    ("Fanélie Sanjuan", "Responsable Territoir’Prod, Accueil et Logistique",
     "fsanjuan@interconnectes.com", "06 12 67 90 99"),
    ("Antonin Dumont", "Communication et Réseaux sociaux, Suivi de l’événement en ligne",
     "adumont@interconnectes.com", "07 68 73 11 59"),
]  # fmt: skip

ORGANISERS = [
    ("Les Interconnectés", "https://www.interconnectes.com/", texts.ASSOCIATION),
    ("Montpellier Méditerranée Métropole", "https://www.montpellier3m.fr/", texts.METROPOLE),
]  # fmt: skip


def _at(day, hhmm):
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=PARIS)


def demo_day(today):
    """The demo copy's day: a Thursday four weeks or more ahead, as the tour's days are
    weekdays, and never in the Christmas holidays (a demo on 25 December looked odd)."""
    day = today + datetime.timedelta(weeks=4)
    day += datetime.timedelta(days=(3 - day.weekday()) % 7)  # Thursday
    while (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 4):
        day += datetime.timedelta(weeks=1)
    return day


def _registration_window(day):
    """Registration opens two months before the day and closes the evening before."""
    opens = _at(day - datetime.timedelta(days=60), "09:00")
    closes = _at(day - datetime.timedelta(days=1), "23:59")
    return opens, closes


def _speakers():
    speakers = {}
    for key, (first, last, job, organisation, bio) in SPEAKERS.items():
        speakers[key], _ = Speaker.objects.get_or_create(
            slug=slugify(f"{first} {last}"),
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": job,
                "organisation": organisation,
                "bio": bio,
            },
        )
    return speakers


def _fill_programme(stop, speakers, *, as_printed):
    """The programme's sessions and line-ups; ``as_printed``: with the lines printed that day
    (the upcoming demo copy shows the speakers' profiles, which they can edit)."""
    printed = AS_PRINTED_IN_SESSIONS if as_printed else {}
    for start, end, kind, title, description, room, capacity, line_up in PROGRAMME:
        session = Session.objects.create(
            stop=stop,
            starts_at=_at(stop.date, start),
            ends_at=_at(stop.date, end),
            kind=kind,
            title=title,
            description=description,
            room=room,
            in_person_only=kind == K.WORKSHOP,
            capacity=capacity,
        )
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(
                session=session,
                speaker=speakers[key],
                role=role,
                order=position,
                **printed.get(key, {}),
            )
            for position, (key, role) in enumerate(line_up)
        )


def _montpellier_defaults(day, opens, closes):
    return {
        **MONTPELLIER,
        "region": "Occitanie",
        "city": "Montpellier",
        "date": day,
        "theme": "Transformation des métiers et IA générative",
        "status": Stop.Status.PUBLISHED,
        "registration_opens_at": opens,
        "registration_closes_at": closes,
    }


@transaction.atomic
def load_demo(*, today=None):
    """Load the demo tour; returns the upcoming demo stop. Safe to run again."""
    today = today or timezone.localdate()
    tour, _ = Tour.objects.get_or_create(slug=TOUR["slug"], defaults=TOUR)
    for position, (name, responsibilities, email, phone) in enumerate(CONTACTS):
        Contact.objects.get_or_create(
            tour=tour,
            name=name,
            defaults={
                "responsibilities": responsibilities,
                "email": email,
                "phone": phone,
                "order": position,
            },
        )
    organisers = [
        Partner.objects.get_or_create(
            name=name,
            defaults={
                "kind": Partner.Kind.ORGANISER,
                "url": url,
                "description": text,
                "order": position,
            },
        )[0]
        for position, (name, url, text) in enumerate(ORGANISERS)
    ]
    speakers = _speakers()

    for slug, region, city, day, theme in STOPS:
        if Stop.objects.filter(slug=slug).exists():
            continue
        opens, closes = _registration_window(day)
        if slug == MONTPELLIER_SLUG:
            stop = Stop.objects.create(
                tour=tour, slug=slug, **_montpellier_defaults(day, opens, closes)
            )
            stop.partners.set(organisers)
            _fill_programme(stop, speakers, as_printed=True)
        else:
            Stop.objects.create(
                tour=tour,
                slug=slug,
                region=region,
                city=city,
                date=day,
                theme=theme,
                title=theme,
                status=Stop.Status.PUBLISHED,
                capacity=120,
                registration_opens_at=opens,
                registration_closes_at=closes,
                hashtag=SOCIAL_LINE,
            )

    # An upcoming copy of the Montpellier day, so that registration can be tried today.
    # Re-dated only once it has passed, so that running the command again changes nothing.
    day = demo_day(today)
    demo = Stop.objects.filter(slug=DEMO_COPY_SLUG).first()
    if demo is not None and demo.date < today:
        # Keep the past copy (and its registrations) under another address.
        demo.slug = f"{DEMO_COPY_SLUG}-{demo.date:%Y%m%d}"
        demo.save(update_fields=["slug", "updated_at"])
        demo = None
    if demo is None:
        opens = _at(today, "00:00")
        closes = _at(day - datetime.timedelta(days=1), "23:59")
        defaults = _montpellier_defaults(day, opens, closes)
        defaults["title"] = f"{MONTPELLIER['title']} (journée de démonstration)"
        demo = Stop.objects.create(tour=tour, slug=DEMO_COPY_SLUG, **defaults)
        demo.partners.set(organisers)
        _fill_programme(demo, speakers, as_printed=False)
    bump_content_version()  # line-ups were bulk-created, without signals
    return demo
