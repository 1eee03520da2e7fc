"""Pages of API results: bounded size, a count, and links to the neighbouring pages."""

import math

from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from .frab import absolute_url

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def paginate(request, queryset, *, page, page_size, record):
    """One page of ``queryset`` as a dict for ``schemas.Page``: two queries (count, rows)."""
    count = queryset.count()
    pages = max(math.ceil(count / page_size), 1)
    if page > pages:
        raise HttpError(
            404,
            _("There is no page %(page)s: the last page is %(pages)s.")
            % {"page": page, "pages": pages},
        )
    rows = queryset[(page - 1) * page_size : page * page_size]

    def link(number):
        query = {**request.GET.dict(), "page": number}
        return absolute_url(f"{request.path}?{urlencode(query)}")

    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": [record(row) for row in rows],
    }
