import pytest
from django.db import connections
from django.test import Client


@pytest.fixture
def officer_user(db):
    from tests.factories import officer

    return officer("olga")


@pytest.fixture
def officer_client(officer_user):
    """An officer logged in to the admin, reading it in English (Dutch is tested apart)."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(officer_user)
    return client


# --- Headless Chromium for the browser tests (marker ``browser``) ------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium(monkeypatch):
    """Debian's headless Chromium (installed by scripts/setup.sh) driven by Playwright.

    Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    calls here unless told otherwise; database connections opened in the thread while the
    loop ran are closed afterwards, or the test database could not be dropped."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def new_page(chromium):
    """``new_page(width=1280, height=900, locale="nl-NL", **context_options)``: a page in a
    browser context of its own (cookies apart), with a 15-second default timeout; every
    context is closed after the test. ``page.context`` is its context."""
    contexts = []

    def open_page(*, width=1280, height=900, locale="nl-NL", **options):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, locale=locale, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


# --- Two-factor login and lockout in tests (issue 7) ------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "no_auto_2fa: logins in this test do not count as two-factor logins (tests of the "
        "second step itself)",
    )


def mark_session_verified(session, user) -> None:
    """Store ``user``'s confirmed TOTP device (created once) in ``session`` as the device that
    verified this login: what ``django_otp.login`` does after a correct code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test device", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@pytest.fixture(autouse=True)
def logins_count_as_two_factor(request, monkeypatch):
    """In tests, a staff login stands for "logged in with both factors".

    - ``client.force_login(user)`` (Django's and DRF's test clients) logs in *and*, for staff,
      creates once a confirmed TOTP device and stores it in the session as the device that
      verified the login (the session key ``django_otp.DEVICE_ID_SESSION_KEY`` set to its
      ``persistent_id``, as ``django_otp.login`` does after a correct code).
    - ``client.login(username=..., password=...)`` does the same, and passes a request to
      ``authenticate()`` (django-axes refuses to check a password without one; Django's test
      client passes none).
    - A password login through the admin's login form (e.g. a browser test against
      ``live_server``) is marked verified too, through the ``user_logged_in`` signal.
    - An API token made for a staff user (``knox.models.AuthToken``, e.g. by
      ``accounts.api_tokens.api_token_issue``) comes with a confirmed TOTP device for that
      user, so that the token is accepted: the API refuses staff tokens of accounts without
      a second factor.

    Tests of the second step itself opt out with ``@pytest.mark.no_auto_2fa`` and go through
    the real flow: password login, then a code computed from the device's key.
    """
    if request.node.get_closest_marker("no_auto_2fa"):
        yield
        return
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_save
    from django.test import RequestFactory
    from knox.models import AuthToken

    original_force_login = Client.force_login
    original_login = Client.login

    def force_login(self, user, backend=None):
        original_force_login(self, user, backend)
        if user.is_staff:
            session = self.session
            mark_session_verified(session, user)
            session.save()

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/admin/login/"))
        return original_login(self, **credentials)

    def on_login(sender, request, user, **kwargs):
        if user.is_staff and getattr(request, "session", None) is not None:
            mark_session_verified(request.session, user)

    def on_token(sender, instance, created, **kwargs):
        if created and instance.user.is_staff:
            mark_session_verified({}, instance.user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "login", login)
    uid = "tests-logins-count-as-two-factor"
    user_logged_in.connect(on_login, dispatch_uid=uid)
    post_save.connect(on_token, sender=AuthToken, dispatch_uid=uid)
    yield
    user_logged_in.disconnect(dispatch_uid=uid)
    post_save.disconnect(sender=AuthToken, dispatch_uid=uid)
