"""The cap on request bodies.

gunicorn has none: its ``limit_request_line``, ``limit_request_fields`` and
``limit_request_field_size`` cover the request line and the headers, not the body. And Django
parses a form with files into temporary files as soon as anything reads ``request.POST``, which
the CSRF check does for every POST that carries a CSRF cookie. So, without a proxy in front
that caps bodies, anyone could make the server write gigabytes of temporary files with one
request to any address. This middleware refuses (413) a body declared larger than its address
takes, before anything reads it:

- the status page's upload (``public:upload``): a full upload form
  (``cases.uploads.max_request_bytes``);
- every other address: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's limit for a form or JSON
  body, 2.5 MB), below which Django keeps a form's files in memory.

A body sent without a length (chunked) is never read by Django at all.
"""

import logging

from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve

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
        if length and length > (limit := _limit(request.path_info)):
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


def _limit(path: str) -> int:
    try:
        upload = resolve(path).view_name == "public:upload"
    except Resolver404:
        upload = False
    if upload or settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None:
        return uploads.max_request_bytes()
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
