"""The officers' queue on a laptop screen (headless Chromium through Playwright): at 1280 px
and wider, with the admin's navigation sidebar open or collapsed, the case list's table fits
its box, so that the due badges and the assignee are not cut off or scrolled out of sight."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from cases import services
from cases.audit import Actor
from cases.models import RequestType
from tests import factories

# Transactional: the live server thread must see the data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the screenshots go: a folder to look at them in (DSAR_SCREENSHOTS), else the test's
# temporary folder.
SCREENSHOTS = os.environ.get("DSAR_SCREENSHOTS")

# What widens the table most: the longest type, state and name, a full-name assignee, and
# badges for overdue and far-off due dates.
ROWS = [
    (RequestType.PORTABILITY, "Nguyễn Thị Annelies van den Berg-Hoekstra", 45),
    (RequestType.RESTRICTION, "IJsbrand Ramdin-El Amrani", 3),
    (RequestType.RECTIFICATION, "Marieke van 't Hof", 12),
    (RequestType.OBJECTION, "Øyvind Kowalski", 30),
    (RequestType.ERASURE, "Fatima Yılmaz", 1),
]


@pytest.fixture
def queue(live_server):
    officer = factories.officer("anouk", first_name="Anouk", last_name="Visser-de Groot")
    colleague = factories.officer(
        "bartholomeus", first_name="Bartholomeus", last_name="van der Meer-Dijkstra"
    )
    now = timezone.now()
    for i, (request_type, name, days_ago) in enumerate(ROWS):
        made = factories.case(
            received_at=now - datetime.timedelta(days=days_ago),
            now=now,
            request_type=request_type,
            subject_name=name,
        )
        services.case_assign(
            case_id=made.pk, actor=Actor.system(), assignee=(officer, colleague)[i % 2]
        )
        if i % 2:
            services.case_start_identity_check(case_id=made.pk, actor=Actor.system())
    return officer


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.locator("input[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")


OVERFLOW = """() => {
    const table = document.querySelector('#result_list');
    const box = table.closest('.results');
    const columns = Array.from(table.querySelectorAll('thead th'))
        .map(th => [th.className, Math.round(th.getBoundingClientRect().width)]);
    return {table: table.scrollWidth, box: box.clientWidth,
            page: document.documentElement.scrollWidth, viewport: window.innerWidth, columns};
}"""


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)], ids=["1280x800", "1366x768"])
@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_the_case_list_fits_with_the_sidebar_open_and_collapsed(
    live_server, new_page, queue, tmp_path, size, locale
):
    width, height = size
    page = new_page(width=width, height=height, locale=locale)
    _log_in(page, live_server, "anouk")
    page.goto(live_server.url + "/admin/cases/case/")
    assert page.locator("#result_list tbody tr").count() == len(ROWS)
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    for sidebar in ("open", "collapsed"):
        nav = page.locator("#nav-sidebar")
        if nav.is_visible() != (sidebar == "open"):
            page.locator("#toggle-nav-sidebar").click()
        assert nav.is_visible() == (sidebar == "open")
        sizes = page.evaluate(OVERFLOW)
        page.screenshot(path=str(folder / f"queue-{locale}-{width}x{height}-{sidebar}.png"))
        assert sizes["table"] <= sizes["box"], f"sidebar {sidebar}: {sizes}"
        assert sizes["page"] <= sizes["viewport"], f"sidebar {sidebar}: {sizes}"
        # The last column, the assignee, is on screen, full name and all.
        assignee = page.locator("#result_list tbody tr td.field-assignee").first
        box = assignee.bounding_box()
        assert box["x"] + box["width"] <= width
