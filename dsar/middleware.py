"""The cap on request bodies.

gunicorn has none: its ``limit_request_line``, ``limit_request_fields`` and
``limit_request_field_size`` cover the request line and the headers, not the body. And Django
parses a form with files into temporary files as soon as anything reads ``request.POST``, which
the CSRF check does for every POST that carries a CSRF cookie. So, without a proxy in front
that caps bodies, anyone could make the server write gigabytes of temporary files with one
request to any address. This middleware refuses (413) a body declared larger than the
largest the app accepts (``cases.uploads.max_request_bytes``: the status page's upload form
full) before anything reads it. A body sent without a length (chunked) is never read by
Django at all.
"""

import logging

from django.conf import settings
from django.shortcuts import render

from cases import uploads

logger = logging.getLogger(__name__)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = uploads.max_request_bytes()
        if length > limit:
            # Not the path: it may hold the token of a subject's link.
            logger.warning("Request body of %d bytes refused (the limit is %d)", length, limit)
            return render(
                request,
                "413.html",
                {
                    "max_files": settings.DSAR_UPLOAD_MAX_FILES,
                    "max_mb": uploads.max_bytes() // (1024 * 1024),
                },
                status=413,
            )
        return self.get_response(request)
