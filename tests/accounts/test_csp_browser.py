"""The Content-Security-Policy in a real browser (headless Chromium through Playwright): the
admin, the dashboard, the public pages, the two-factor pages and Swagger UI work under it, and
the browser's console reports no violation and no error."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def roles():
    """The groups, made again: other transactional tests flush the database (and with it the
    groups the migrations made) before this one may run."""
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import ROLES, grant

    grant(Group, Permission, ROLES)


def watched_page(new_page, console, locale="nl-NL"):
    page = new_page(locale=locale)
    page.on(
        "console",
        lambda message: console.append(
            f"{message.type}: {message.text} ({message.location.get('url', '')})"
        ),
    )
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    return page.context, page


def problems(console) -> list[str]:
    """Errors and warnings, CSP violations among them ("Refused to ..."). The browser's own
    request for /favicon.ico (the app has none) is not one of the pages' problems."""
    return [
        line
        for line in console
        if line.split(":", 1)[0] in ("error", "warning", "pageerror")
        and not line.endswith("/favicon.ico)")
    ]


def test_admin_dashboard_public_pages_and_swagger_keep_to_the_policy(
    live_server, new_page, settings, tmp_path
):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    dpo = factories.staff_in_role("DPO", "dora")
    case = factories.case(subject_name="Zoë de Vries")
    # A session with both factors (tests/conftest.py), handed to the browser as its cookie.
    client = Client()
    client.force_login(dpo)
    console: list[str] = []
    context, page = watched_page(new_page, console)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    pages = {
        "/": "form",
        "/admin/": "#content",
        "/admin/cases/case/": "#result_list",
        f"/admin/cases/case/{case.pk}/change/": "#export-heading",
        "/admin/reports/registerentry/": "#content",
        "/admin/security/retention/": ".dsar-retention",
        "/admin/accounts/securityevent/": "#content",
        "/admin/axes/accessattempt/": "#content",
        "/api/": "#content",
        "/api/cases/": "#content",
        f"/api/cases/{case.pk}/": "#content",
        "/api/docs/": ".swagger-ui .information-container",
    }
    for path, ready in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        page.locator(ready).first.wait_for()
    page.goto(live_server.url + "/api/docs/")
    page.locator(".opblock").first.wait_for()  # Swagger UI drew the operations

    assert problems(console) == [], problems(console)
    context.close()


@pytest.mark.no_auto_2fa
@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_the_two_factor_pages_keep_to_the_policy(live_server, new_page, locale):
    user = factories.officer("nina")
    console: list[str] = []
    context, page = watched_page(new_page, console, locale=locale)

    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", "nina")
    page.fill("#id_password", "pw-for-tests")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/two-factor/setup/**")
    assert page.locator(".dsar-qr svg").is_visible()
    device = TOTPDevice.objects.get(user=user)
    page.fill("#id_code", factories.totp_code(device))
    page.locator("input[type=submit]").click()
    page.locator(".dsar-codes li").first.wait_for()
    assert page.locator(".dsar-codes li").count() == 10
    page.locator(".dsar-account a.button").click()
    page.wait_for_url(live_server.url + "/admin/")

    assert problems(console) == []
    context.close()
