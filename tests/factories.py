import datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from events.models import Contact, Partner, Session, Stop, Tour
from speakers.models import SessionSpeaker, Speaker

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


class TourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tour

    name = factory.Sequence(lambda n: f"IntercoTOUR {2030 + n}")
    slug = factory.Sequence(lambda n: f"tour-{n}")
    organiser = "Les Interconnectés"
    intro = "Une journée expert par mois en région."


class StopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stop

    tour = factory.SubFactory(TourFactory)
    slug = factory.Sequence(lambda n: f"etape-{n}")
    status = Stop.Status.PUBLISHED
    region = "Occitanie"
    city = "Montpellier"
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    theme = "Transformation des métiers et IA générative"
    title = factory.Sequence(lambda n: f"Journée expert {n}")
    venue_name = "Hôtel de Métropole"
    venue_address = "50 place Zeus\n34045 Montpellier"
    access_public_transport = "Tram ligne 1, arrêt Léon Blum"
    capacity = 100
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )
    registration_closes_at = factory.LazyAttribute(lambda o: at(o.date, 0))
    hashtag = "#intercoTour"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    stop = factory.SubFactory(StopFactory)
    starts_at = factory.LazyAttribute(lambda o: at(o.stop.date, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    kind = Session.Kind.PLENARY
    title = factory.Sequence(lambda n: f"Session {n}")
    room = "Salle du Conseil"


class WorkshopFactory(SessionFactory):
    kind = Session.Kind.WORKSHOP
    in_person_only = True
    capacity = 20
    starts_at = factory.LazyAttribute(lambda o: at(o.stop.date, 15))
    ends_at = factory.LazyAttribute(lambda o: at(o.stop.date, 16, 30))
    title = factory.Sequence(lambda n: f"Atelier {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    slug = factory.Sequence(lambda n: f"intervenant-{n}")
    job_title = "Directrice du numérique"
    organisation = "Métropole de Test"
    email = factory.Sequence(lambda n: f"speaker{n}@example.org")


class SessionSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    role = SessionSpeaker.Role.SPEAKER


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    tour = factory.SubFactory(TourFactory)
    name = "Céline Colucci"
    responsibilities = "Programme de la journée"
    email = "contact@example.org"
    phone = "06 00 00 00 00"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = Partner.Kind.PARTNER


def registration_details(**overrides):
    """Keyword arguments for ``registrations.services.register``."""
    details = {
        "first_name": "Camille",
        "last_name": "Durand",
        "email": f"camille.durand.{next(_emails)}@example.org",
        "organisation": "Métropole de Montpellier",
        "job_title": "Cheffe de projet numérique",
        "category": "local_staff",
        "mode": "in_person",
    }
    details.update(overrides)
    return details


_emails = iter(range(10**9))
