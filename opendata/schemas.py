"""What the read API answers: public fields only (never an e-mail, a token or a seat holder)."""

import datetime

from ninja import Schema
from pydantic import Field


class Error(Schema):
    detail: str = Field(description="Message en français, pour un humain.")


class Tour(Schema):
    slug: str
    name: str
    organiser: str
    intro: str


class Stop(Schema):
    slug: str
    tour: str = Field(description="Slug de la tournée.")
    title: str
    theme: str
    region: str
    city: str
    date: datetime.date
    start_time: str = Field(pattern=r"^\d{2}:\d{2}$", description="Heure locale (HH:MM).")
    end_time: str = Field(pattern=r"^\d{2}:\d{2}$", description="Heure locale (HH:MM).")
    time_zone: str
    intro: str
    venue_name: str
    venue_address: str
    access_public_transport: str
    access_car: str
    access_from_station: str
    hashtag: str
    url: str = Field(description="Page publique de l’étape.")
    schedule_xml: str = Field(description="Programme au format frab (XML).")
    schedule_json: str = Field(description="Programme au format frab (JSON).")


class LineUp(Schema):
    speaker: str = Field(description="Slug de l’intervenant.")
    name: str
    role: str
    role_name: str


class Document(Schema):
    title: str
    url: str = Field(description="Le PDF (diapositives, support) donné par un intervenant.")
    pages: int
    size: int = Field(description="Taille en octets.")


class Session(Schema):
    id: int
    guid: str = Field(description="Identifiant stable, le même que dans les exports frab.")
    stop: str = Field(description="Slug de l’étape.")
    title: str
    description: str
    kind: str
    kind_name: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: str
    in_person_only: bool
    seats: int | None = Field(description="Places d’un atelier ; null pour les autres sessions.")
    seats_left: int | None = Field(
        description="Places restantes d’un atelier ; null pour les autres sessions."
    )
    speakers: list[LineUp]
    documents: list[Document] = Field(
        description="Documents des intervenants, publiés une fois la journée terminée ; vide avant."
    )
    replay_url: str | None = Field(
        description="Lien du replay, publié une fois la journée terminée ; null avant ou "
        "s’il n’y en a pas."
    )
    url: str


class Speaker(Schema):
    slug: str
    first_name: str
    last_name: str
    name: str
    job_title: str
    organisation: str
    bio: str
    photo: str | None = Field(description="Photo, si l’intervenant a choisi de la montrer.")
    url: str


class Page(Schema):
    count: int = Field(description="Nombre total de résultats.")
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


class TourPage(Page):
    results: list[Tour]


class StopPage(Page):
    results: list[Stop]


class SessionPage(Page):
    results: list[Session]


class SpeakerPage(Page):
    results: list[Speaker]
