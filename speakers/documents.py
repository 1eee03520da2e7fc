"""Speakers' documents: PDF only, checked by opening them, stored under a random name.

A file is accepted when it starts as a PDF does, opens with pypdf, is not encrypted, has
pages, and carries no active content (JavaScript, launch actions, embedded files) anywhere
in the objects its catalogue reaches. Anything else is refused and nothing is stored.
"""

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from intercotour.admin_log import log_change

from .models import SessionDocument
from .services import portal_user

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
MAX_OBJECTS = 500_000  # beyond this, a file is too complex to check: refused
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia"}
)
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/Rendition"})


class DocumentRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(message)


def _resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def has_active_content(root):
    """Whether any object reachable from ``root`` is script, a launch or an embedded file."""
    seen, stack, visited = set(), [root], 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return True
        if isinstance(obj, DictionaryObject):  # streams too: their dictionary, not their data
            if ACTIVE_KEYS & set(obj.keys()):
                return True
            if _resolved(obj.get("/S")) in ACTIVE_ACTIONS:
                return True
            if _resolved(obj.get("/Type")) == "/EmbeddedFile":
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def check_pdf(upload):
    """The number of pages of ``upload``, a harmless PDF; raises DocumentRefused otherwise."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise DocumentRefused(
            _("This file is too large: %(limit)s at most.")
            % {"limit": filesizeformat(DOCUMENT_MAX_BYTES)}
        )
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        raise DocumentRefused(_("This file is not a PDF. Export your slides as PDF first."))
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise DocumentRefused(
                _("This PDF is protected by a password: save it without protection first.")
            )
        pages = len(reader.pages)
        active = has_active_content(reader.trailer["/Root"])
    except DocumentRefused:
        raise
    except Exception:  # any failure of the parser on hostile input: the file is unreadable
        raise DocumentRefused(_("This PDF cannot be read: it is damaged or incomplete.")) from None
    finally:
        upload.seek(0)
    if pages == 0:
        raise DocumentRefused(_("This PDF cannot be read: it is damaged or incomplete."))
    if active:
        raise DocumentRefused(
            _(
                "This PDF contains scripts, actions or attached files, which are not accepted: "
                "save it again as a plain PDF (e.g. “Print to PDF”)."
            )
        )
    return pages


@transaction.atomic
def add_document(*, session, speaker, title, upload):
    """Check and store a speaker's PDF for ``session``; nothing is stored if it is refused."""
    pages = check_pdf(upload)
    document = SessionDocument(
        session=session, speaker=speaker, title=title.strip(), size=upload.size, pages=pages
    )
    document.file.save("document.pdf", upload, save=False)
    name = document.file.name
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.storage.delete(name)
        raise
    log_change(portal_user(), document, _("Added by %(name)s.") % {"name": speaker.full_name})
    return document


@transaction.atomic
def remove_document(*, document, speaker):
    """The speaker withdraws a document they gave."""
    log_change(portal_user(), document, _("Removed by %(name)s.") % {"name": speaker.full_name})
    delete_documents([document])


@transaction.atomic
def delete_documents(documents):
    """Delete the rows; their files go once the change commits."""
    for document in documents:
        name, storage = document.file.name, document.file.storage
        document.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
