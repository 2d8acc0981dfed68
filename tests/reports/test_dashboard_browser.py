"""The dashboard in a real browser (headless Chromium through Playwright), as a Dutch privacy
officer sees it on a desktop screen: charts drawn without any script or outside resource, the
numbers behind each chart one click away."""

import datetime

import pytest
from django.utils import timezone

from cases.audit import Actor
from casework import actions
from tests import factories

# Transactional: the live server thread must see the data. The role groups are recreated by
# tests.factories.officer() after other transactional tests flushed them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desktop_page(new_page):
    return new_page(width=1400, height=1000, locale="nl-NL")


def test_a_privacy_officer_sees_the_late_requests_and_the_numbers_behind_the_charts(
    live_server, desktop_page, tmp_path
):
    user = factories.officer("anouk")
    actor = Actor.staff(user)
    now = timezone.now()
    for days_ago in (2, 10, 40, 45):  # the last two are past their four-week due date
        factories.case(received_at=now - datetime.timedelta(days=days_ago), actor=actor, now=now)
    answered = factories.case(received_at=now - datetime.timedelta(days=20), actor=actor, now=now)
    actions.close(case_id=answered.pk, actor=actor, outcome="refused", reason="Geen grond.")

    page = desktop_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "anouk")
    page.fill("#id_password", "pw-for-tests")
    page.locator("input[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")

    overdue = page.locator('[data-tile="overdue"]')
    assert overdue.locator(".dsar-tile-label").inner_text() == "Termijn verstreken"
    assert overdue.locator(".dsar-tile-number").inner_text() == "2"
    charts = page.get_by_role("img")
    assert charts.count() == 4
    for i in range(4):
        box = charts.nth(i).bounding_box()
        assert box["width"] > 500 and box["height"] > 200  # two charts side by side
    table = page.locator("#chart-age table")
    assert not table.is_visible()
    page.locator("#chart-age summary").click()
    assert table.is_visible()
    assert table.locator("tbody tr").last.inner_text().split() == ["56+", "0", "0", "0"]
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert all(url.startswith(live_server.url) for url in requested)
