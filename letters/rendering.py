"""HTML and PDF for a letter: Django templates in, a tagged, archivable PDF out (WeasyPrint):
PDF/A-3a and PDF/UA-1 for letters (docs/letters.md, "Tagged and archival").

Fast and lean in a long-running process: one module-level ``FontConfiguration`` (the
@font-face fonts are loaded once) and one image cache are reused by every render, under a lock
because WeasyPrint's font configuration is not made for concurrent use. Rendering never
touches the network or the file system outside the project's static letter files: the URL
fetcher below serves ``static/letters/…`` and the organisation's logo, and refuses every other
URL, so that nothing a user typed can make the renderer load anything.
"""

import base64
import hashlib
import logging
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import catalogue

logger = logging.getLogger(__name__)

# Letters refer to their style sheet, fonts and logo under this origin. It never resolves to
# a server: the fetcher maps it to files (".invalid" is reserved, RFC 2606).
ORIGIN = "https://letters.invalid/"
STATIC_BASE = ORIGIN + "static/"
LOGO_BASE = ORIGIN + "organisation/logo/"
# Only files under static/letters/ of these types are ever loaded.
STATIC_NAMESPACE = "letters/"
ALLOWED_SUFFIXES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# Letters: PDF/A-3 level A, which makes WeasyPrint tag the PDF (a structure tree from the HTML's
# elements, /MarkInfo /Marked, DisplayDocTitle) on top of what PDF/A-3b gave (XMP, sRGB output
# intent, embedded fonts). WeasyPrint writes one identification per render: the PDF/UA-1 one is
# added to the same XMP by _identify_pdf_ua below.
LETTER_PDF_VARIANT = "pdf/a-3a"
# Other documents rendered here (the export of a request, casework/export.py): untagged.
PDF_VARIANT = "pdf/a-3b"
STYLESHEET = "letters/letter.css"

_font_config = FontConfiguration()
# WeasyPrint's image cache: URL -> decoded image. Only our own static files and the logo
# ever get in; the cap keeps a process that sees many logo changes from growing.
_image_cache: dict = {}
_IMAGE_CACHE_MAX = 64
_render_lock = threading.Lock()
# The letters' style sheet, parsed once per version of the file (its @font-face rules load
# the fonts into _font_config once): parsing it for every letter would cost more than laying
# out a page.
_stylesheet_cache: dict[tuple, CSS] = {}


class LetterRenderError(Exception):
    """The letter could not be rendered as designed (e.g. a resource was refused)."""


class FetchRefused(ValueError):
    pass


def _refuse(url: str, why: str):
    # Log the scheme only: a URL could carry something a user typed.
    logger.warning("letters: refused to load a %s URL (%s)", urlsplit(url).scheme or "?", why)
    raise FetchRefused(f"refused: {why}")


def resolve_static(url: str) -> Path:
    """The file behind one of the letters' own static URLs, or FetchRefused."""
    if not url.startswith(STATIC_BASE):
        _refuse(url, "not one of the letters' static files")
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        _refuse(url, "query or fragment")
    relative = unquote(url[len(STATIC_BASE) :])
    segments = relative.split("/")
    if (
        not relative.startswith(STATIC_NAMESPACE)
        or any(s in ("", ".", "..") for s in segments)
        or "\\" in relative
        or "\x00" in relative
    ):
        _refuse(url, "not a plain path under static/letters/")
    suffix = Path(relative).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        _refuse(url, "file type not allowed")
    found = finders.find(relative)
    if not found:
        _refuse(url, "no such static file")
    path = Path(found)
    # The finder found it under some static root; a symlink must not lead out of that root.
    root = Path(str(path)[: -len(relative)]).resolve()
    real = path.resolve()
    if not real.is_relative_to(root) or not real.is_file():
        _refuse(url, "outside the static files")
    return real


class StaticOnlyFetcher(URLFetcher):
    """Serves the letters' static files and the explicitly allowed private files (the logo);
    refuses everything else: http(s), file://, data:, and anything not listed."""

    def __init__(self, allowed: dict[str, Path] | None = None):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self._allowed = dict(allowed or {})
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            path = self._allowed[url] if url in self._allowed else resolve_static(url)
        except FetchRefused:
            self.refused.append(url)
            raise
        mimetype = ALLOWED_SUFFIXES.get(path.suffix.lower()) or mimetypes.guess_type(path)[0]
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": mimetype or "application/octet-stream"},
        )


def fetch(url: str, allowed: dict[str, Path] | None = None) -> URLFetcherResponse:
    """Fetch one URL the way a render does (for tests and for checking a template)."""
    return StaticOnlyFetcher(allowed)(url)


# --- Template versions ------------------------------------------------------------------------

_digest_cache: dict[tuple, str] = {}


def _letter_sources(template_name: str) -> list[Path]:
    """The files a letter's output depends on: its template, every shared letter template
    (bases and partials of its language) and the style sheet."""
    template_path = Path(get_template(template_name).origin.name)
    language = template_path.name.rsplit(".", 2)[-2]
    folder = template_path.parent
    shared = [
        p
        for p in folder.glob("*.html")
        if p.name.startswith(("base", "_")) and p.name.endswith((f".{language}.html", "base.html"))
    ]
    stylesheet = finders.find(STYLESHEET)
    return [template_path, *sorted(shared), *([Path(stylesheet)] if stylesheet else [])]


def template_version(template_name: str) -> str:
    """A short SHA-256 of the sources: it changes exactly when the output's design does,
    without anyone having to remember to bump a number."""
    sources = _letter_sources(template_name)
    key = (template_name, *((str(p), p.stat().st_mtime_ns) for p in sources))
    if key not in _digest_cache:
        digest = hashlib.sha256()
        for path in sources:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        _digest_cache[key] = digest.hexdigest()[:16]
    return _digest_cache[key]


# --- Rendering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    template_name: str
    template_version: str


def _logo(profile) -> tuple[str, dict[str, Path]]:
    """The logo's URL for the letter and the fetcher's permission to load it."""
    if not profile.logo:
        return "", {}
    path = Path(settings.PRIVATE_FILES_ROOT) / profile.logo.name
    if not path.is_file():
        logger.warning("letters: the organisation's logo file is missing")
        return "", {}
    # The URL names this very file and version, so the image cache never serves an old logo.
    stamp = f"{profile.updated_at:%Y%m%d%H%M%S%f}" if profile.updated_at else "0"
    url = f"{LOGO_BASE}{stamp}/{path.name}"
    return url, {url: path}


def _logo_data_uri(profile) -> str:
    """The logo inline, for the browser preview only (the PDF loads it through the fetcher,
    which refuses data: URLs). The preview frame is sandboxed and could not fetch it with
    the officer's session."""
    _url, allowed = _logo(profile)
    if not allowed:
        return ""
    (path,) = allowed.values()
    mimetype = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    return f"data:{mimetype};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _address_lines(text: str) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) == 1 and "," in lines[0]:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    return lines


def letter_context(
    spec: catalogue.LetterSpec, *, case, profile, language, fields, letter_date, for_browser=False
) -> dict:
    if for_browser:
        static_url = settings.STATIC_URL
        if not static_url.startswith(("/", "http")):
            static_url = "/" + static_url
        stylesheet_url = static_url + STYLESHEET
        logo_url = _logo_data_uri(profile)
    else:
        stylesheet_url = ""  # the renderer adds the parsed style sheet itself
        logo_url, _allowed = _logo(profile)
    return {
        "case": case,
        "org": profile,
        "f": fields,
        "dates": catalogue.field_dates(spec, fields),
        # Art 19: only what the officer recorded (cases.RecipientNotice).
        "recipient_notices": list(case.recipient_notices.all()) if case.pk else [],
        "language": language,
        "letter_type": spec.type,
        "letter_date": letter_date,
        "stylesheet_url": stylesheet_url,
        "logo_url": logo_url,
        "subject_address_lines": _address_lines(case.subject_address),
        "recipient_address_lines": _address_lines(fields.get("recipient_address", "")),
        "org_address_lines": profile.address_lines,
        "annex_items": [
            line.strip() for line in fields.get("annex", "").splitlines() if line.strip()
        ],
    }


def render_html(spec, *, case, profile, language, fields, letter_date, for_browser=False) -> str:
    """The letter as HTML, in its language. ``for_browser`` points the style sheet at the
    site's static URL instead of the renderer's, for the officer's preview."""
    context = letter_context(
        spec,
        case=case,
        profile=profile,
        language=language,
        fields=fields,
        letter_date=letter_date,
        for_browser=for_browser,
    )
    with translation.override(language):
        return get_template(spec.template_name(language)).render(context)


def _letter_stylesheet() -> CSS:
    """static/letters/letter.css, parsed once (and again only when the file changes).
    Call with the render lock held: parsing it adds its fonts to the shared configuration."""
    path = Path(finders.find(STYLESHEET) or "")
    key = (str(path), path.stat().st_mtime_ns)
    sheet = _stylesheet_cache.get(key)
    if sheet is None:
        fetcher = StaticOnlyFetcher()
        sheet = CSS(url=STATIC_BASE + STYLESHEET, url_fetcher=fetcher, font_config=_font_config)
        if fetcher.refused:
            raise LetterRenderError("The letters' style sheet refers to files it may not load.")
        _stylesheet_cache.clear()
        _stylesheet_cache[key] = sheet
    return sheet


# The PDF/UA-1 identification, and its declaration as a PDF/A extension schema: PDF/A-2 and -3
# allow only the XMP schemas they predefine or that the file declares (ISO 19005-3, 6.6.2.3),
# and pdfuaid is not predefined.
_PDF_UA_XMP = b"""<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 to which the file conforms</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
"""
_RDF_END = b"</rdf:RDF>"


def _identify_pdf_ua(document, pdf):
    """WeasyPrint finisher: add the PDF/UA-1 identification to the XMP metadata that the
    PDF/A-3a variant wrote (one rdf:RDF, as XMP requires; WeasyPrint's own ``xmp_metadata``
    option would add a second one)."""
    reference = pdf.catalog.get("Metadata")
    metadata = pdf.objects[int(reference.split()[0])] if reference else None
    content = b"".join(metadata.stream) if metadata is not None else b""
    if content.count(_RDF_END) != 1:
        raise LetterRenderError("WeasyPrint wrote XMP metadata of an unexpected shape.")
    metadata.stream = [content.replace(_RDF_END, _PDF_UA_XMP + _RDF_END)]


def html_to_pdf(
    html: str,
    *,
    allowed: dict[str, Path] | None = None,
    letter_style: bool = False,
    accessible: bool = False,
) -> bytes:
    """HTML to PDF/A-3b with our fonts, through the strict fetcher; with ``letter_style`` the
    letters' style sheet applies; ``accessible`` makes it tagged PDF/A-3a that also claims
    PDF/UA-1 (the HTML must then have a lang, a title, real headings and alt texts). Raises
    LetterRenderError when the document asked for anything the fetcher refused."""
    fetcher = StaticOnlyFetcher(allowed)
    with _render_lock:
        if len(_image_cache) > _IMAGE_CACHE_MAX:
            _image_cache.clear()
        stylesheets = [_letter_stylesheet()] if letter_style else None
        pdf = HTML(string=html, base_url=ORIGIN, url_fetcher=fetcher).write_pdf(
            stylesheets=stylesheets,
            font_config=_font_config,
            cache=_image_cache,
            pdf_variant=LETTER_PDF_VARIANT if accessible else PDF_VARIANT,
            finisher=_identify_pdf_ua if accessible else None,
        )
    if fetcher.refused:
        raise LetterRenderError(
            f"The letter asked for {len(fetcher.refused)} resource(s) that are not allowed."
        )
    return pdf


def render_letter(spec, *, case, profile, language, fields, letter_date) -> RenderedLetter:
    html = render_html(
        spec, case=case, profile=profile, language=language, fields=fields, letter_date=letter_date
    )
    _logo_url, allowed = _logo(profile)
    name = spec.template_name(language)
    return RenderedLetter(
        pdf=html_to_pdf(html, allowed=allowed, letter_style=True, accessible=True),
        template_name=name,
        template_version=template_version(name),
    )
