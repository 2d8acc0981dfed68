"""The register's exports never hand a spreadsheet a formula: text that starts like one
(OWASP's "CSV Injection": = + - @ tab CR) is written with a leading apostrophe, in the CSV
and in the XLSX alike (``cases.text.spreadsheet_cell``)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from cases.audit import Actor
from cases.text import spreadsheet_cell
from tests import factories
from tests.factories import at

from .conftest import client_for

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    '=HYPERLINK("http://x.invalid","y")',
    "+31 SUM(1)",
    "-2+3",
    "@SUM(A1:A2)",
]


@pytest.fixture
def cases_handled_by_hostile_names(frozen_clock, zoe):
    for number, name in enumerate(HOSTILE_NAMES):
        officer = factories.officer(f"hostile{number}", first_name=name)
        factories.answered_case(
            actor=Actor.staff(zoe),
            received_at=at(2026, 9, 1 + number),
            closed_at=at(2026, 9, 10 + number, 15),
            assignee=officer,
        )


def test_the_csv_writes_formula_like_text_as_text(cases_handled_by_hostile_names, dpo):
    response = client_for(dpo).get(reverse("admin:reports_registerentry_export_csv"))
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert sorted(row[-1] for row in rows[1:]) == sorted("'" + name for name in HOSTILE_NAMES)
    assert "\n=" not in raw and ";=" not in raw and ";+" not in raw and ";@" not in raw


def test_the_xlsx_writes_formula_like_text_as_text(cases_handled_by_hostile_names, dpo):
    response = client_for(dpo).get(reverse("admin:reports_registerentry_export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    handled_by = [row[-1] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in handled_by) == sorted("'" + name for name in HOSTILE_NAMES)
    assert {cell.data_type for cell in handled_by} == {"s"}  # no formula cell ("f")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"])
def test_every_formula_start_is_neutralised(start):
    assert spreadsheet_cell(start + "1+1") == "'" + start + "1+1"


@pytest.mark.parametrize(
    "value", ["DSAR-2026-00001", "Zoë IJsbrand", "", None, 9, -3, datetime.date(2026, 9, 1)]
)
def test_other_values_pass_unchanged(value):
    assert spreadsheet_cell(value) == value
