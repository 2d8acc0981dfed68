"""Every admin page in Dutch shows no text of the project's own catalogue in English (issue
19): a superuser walks the dashboard, every registered model's list, add and change pages, and
every other admin page without arguments (the security, export and retention pages); any
msgid of locale/nl whose Dutch differs and that appears verbatim on a page fails the test."""

import contextlib
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from tests import factories

pytestmark = pytest.mark.django_db

# Pages that do something on a GET, or are not pages.
SKIP = {"logout", "jsi18n", "autocomplete"}
# django-otp's own admin pages (the staff's authenticator devices): its fieldsets and field
# names are not marked for translation upstream ("Identity", "State", "created at"), so they
# stay English whatever our catalogue says; they are left out until they are replaced.
THIRD_PARTY_UNTRANSLATABLE = ("/admin/otp_totp/", "/admin/otp_static/")
# Django's admin/search_form.html writes alt="Search" on the magnifier icon without a
# translation tag (its button beside it is translated: "Zoeken").
HARD_CODED_UPSTREAM = {"Search"}


class _Text(HTMLParser):
    """The text a reader meets: text nodes (not scripts, styles or typed text) and the
    attributes read out or shown (title, aria-label, placeholder, alt, a button's value)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        attrs = dict(attrs)
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def page_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts]


def english_msgids() -> list[str]:
    """The project's msgids that read differently in Dutch (placeholders left out)."""
    mo = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    found = []
    for msgid, msgstr in catalogue.items():
        if not isinstance(msgid, str) or not msgid or "\x04" in msgid:
            continue  # plural forms and contexts
        if re.search(r"%[(sd]|\{", msgid) or not msgstr or msgstr == msgid:
            continue
        if msgid in HARD_CODED_UPSTREAM:
            continue
        found.append(" ".join(msgid.split()))
    return found


def untranslated(texts: list[str], msgids: list[str]) -> set[str]:
    hits = set()
    for msgid in msgids:
        if " " in msgid:
            pattern = re.compile(r"(?<!\w)" + re.escape(msgid) + r"(?!\w)")
            if any(pattern.search(text) for text in texts):
                hits.add(msgid)
        elif msgid in texts:
            hits.add(msgid)
    return hits


def admin_paths_without_arguments() -> list[str]:
    paths = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in SKIP:
                route = prefix + str(pattern.pattern)
                if route.startswith("admin/") and "<" not in route and "(?P" not in route:
                    paths.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "", None)
    return sorted(set(paths))


def model_paths() -> list[str]:
    """Each registered model's list, add page and the change page of its first row (those
    that exist: the register has a list only)."""
    names = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        names += [(f"{prefix}_changelist", []), (f"{prefix}_add", [])]
        first = model_admin.get_queryset(_request()).order_by("pk").first()
        if first is not None:
            names.append((f"{prefix}_change", [first.pk]))
    paths = []
    for name, args in names:
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(name, args=args))
    return paths


def _request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="root")
    return request


@pytest.fixture
def dutch_superuser():
    factories.ensure_roles()
    user = get_user_model().objects.create_superuser("root", "root@example.nl", "pw")
    client = Client(headers={"accept-language": "nl"})
    client.force_login(user)
    return client


@pytest.fixture
def some_of_everything(officer_user):
    """Cases of several kinds, so that each list has rows and each change page exists."""
    from cases.demo import seed_cases
    from tests.factories import at

    factories.case(received_at=at(2026, 11, 2))
    factories.case(request_type="erasure", channel="email", received_at=at(2026, 11, 3))
    seed_cases(40, today=at(2026, 11, 20).date())


def test_no_admin_page_in_dutch_shows_english_of_our_catalogue(dutch_superuser, some_of_everything):
    msgids = english_msgids()
    assert len(msgids) > 500  # the catalogue was read
    paths = ["/admin/", *model_paths(), *admin_paths_without_arguments()]
    problems = {}
    seen = 0
    for path in dict.fromkeys(paths):
        if path.startswith(THIRD_PARTY_UNTRANSLATABLE):
            continue
        response = dutch_superuser.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        html = response.content.decode()
        assert '<html lang="nl"' in html, path
        hits = untranslated(page_texts(html), msgids)
        if hits:
            problems[path] = sorted(hits)
    assert seen > 20
    assert not problems, problems


def test_the_check_finds_english_on_an_english_page(dutch_superuser):
    english = Client(headers={"accept-language": "en"})
    english.force_login(get_user_model().objects.get(username="root"))
    english.cookies["django_language"] = "en"
    html = english.get("/admin/").content.decode()
    assert '<html lang="en"' in html
    assert untranslated(page_texts(html), english_msgids())


def test_permissions_are_labelled_in_dutch(dutch_superuser):
    html = dutch_superuser.get(reverse("admin:auth_group_add")).content.decode()
    assert "Kan verzoeken toewijzen, identiteit vaststellen, pauzeren en hervatten" in html
    assert "Kan verzoek toevoegen" in html
    assert "Can add" not in html


def test_the_app_list_has_dutch_screen_reader_headers(dutch_superuser):
    html = dutch_superuser.get("/admin/").content.decode()
    for english in ("Model name", "Add link", "Change or view list link"):
        assert f">{english}<" not in html, english
    assert "Modelnaam" in html


def test_the_lockout_records_have_dutch_names(dutch_superuser):
    texts = page_texts(dutch_superuser.get("/admin/").content.decode())
    assert {"Inlogpogingen", "Mislukte inlogs", "Inlogregistraties"} <= set(texts)
    assert not {"Access attempts", "Access failures", "Access logs"} & set(texts)
