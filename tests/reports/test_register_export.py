"""The register's exports: CSV that Dutch Excel opens with ë, ij and ø intact, and XLSX."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from .conftest import client_for

pytestmark = pytest.mark.django_db
CSV_URL = reverse("admin:reports_registerentry_export_csv")
XLSX_URL = reverse("admin:reports_registerentry_export_xlsx")
HEADERS_EN = [
    "Reference",
    "Type",
    "Channel",
    "Status",
    "Received",
    "Due",
    "Extended to",
    "Closed on",
    "Outcome",
    "On time",
    "Days taken",
    "Handled by",
]
HEADERS_NL = [
    "Kenmerk",
    "Soort",
    "Kanaal",
    "Status",
    "Ontvangen",
    "Uiterste datum",
    "Verlengd tot",
    "Afgesloten op",
    "Uitkomst",
    "Op tijd",
    "Dagen nodig",
    "Behandeld door",
]


def _csv(client, query=""):
    response = client.get(CSV_URL + query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    return response, raw


def _table(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_starts_with_a_byte_order_mark_and_separates_with_semicolons(dataset, dpo):
    response, raw = _csv(client_for(dpo))
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == ";".join(HEADERS_EN)
    assert b"\r\n" in raw
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="register-of-requests-2026-11-18.csv"'


def test_the_csv_holds_every_request_with_hand_computed_columns(dataset, dpo):
    table = _table(_csv(client_for(dpo))[1])
    assert table[0] == HEADERS_EN
    rows = {row[0]: row for row in table[1:]}
    assert len(rows) == 16
    assert set(rows) == {dataset[x].reference for x in "ABCDEFGHIJKLMNOP"}
    assert rows[dataset["A"].reference] == [
        dataset["A"].reference,
        "Access (Art 15)",
        "Web form",
        "Closed",
        "2026-09-01",
        "2026-09-29",
        "",
        "2026-09-10",
        "Granted",
        "yes",
        "9",
        "Zoë IJsbrand",
    ]
    assert rows[dataset["B"].reference][3:] == [
        "Closed",
        "2026-09-03",
        "2026-10-01",
        "",
        "2026-10-05",
        "Refused",
        "no",
        "32",
        "Øyvind Hansen",
    ]
    assert rows[dataset["D"].reference][4:11] == [
        "2026-10-01",
        "2026-10-29",
        "2026-12-29",
        "2026-11-10",
        "Granted",
        "yes",
        "40",
    ]
    assert rows[dataset["P"].reference][3:] == [
        "In progress",
        "2026-08-20",
        "2026-09-17",
        "2026-11-17",
        "",
        "",
        "no",
        "",
        "",
    ]
    # Anonymised: personal data gone, the register's columns kept.
    assert rows[dataset["G"].reference][1:11] == [
        "Access (Art 15)",
        "E-mail",
        "Withdrawn",
        "2026-10-20",
        "2026-11-17",
        "",
        "2026-10-25",
        "Withdrawn",
        "",
        "5",
    ]
    assert rows[dataset["M"].reference][-1] == "Øyvind Hansen"


def test_the_csv_is_in_dutch_for_a_dutch_user(dataset, dpo):
    response, raw = _csv(client_for(dpo, "nl"))
    assert 'filename="register-verzoeken-2026-11-18.csv"' in response["Content-Disposition"]
    table = _table(raw)
    assert table[0] == HEADERS_NL
    rows = {row[0]: row for row in table[1:]}
    assert rows[dataset["B"].reference][1:4] == [
        "Verwijdering (recht op vergetelheid, art. 17)",
        "E-mail",
        "Afgesloten",
    ]
    assert rows[dataset["B"].reference][8:] == ["Afgewezen", "nee", "32", "Øyvind Hansen"]
    assert rows[dataset["A"].reference][8:] == ["Ingewilligd", "ja", "9", "Zoë IJsbrand"]


def test_the_csv_exports_what_the_filters_select_on_every_page(dataset, dpo):
    table = _table(_csv(client_for(dpo), "?on_time=no&p=2&o=1")[1])
    assert sorted(row[0] for row in table[1:]) == sorted(dataset[x].reference for x in "BEKP")


def test_the_xlsx_opens_with_the_registers_columns_and_real_dates(dataset, dpo):
    response = client_for(dpo).get(XLSX_URL + "?request_type=access")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="register-of-requests-2026-11-18.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "Register"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS_EN
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {dataset[x].reference for x in "ACEGHKLP"}
    assert by_reference[dataset["A"].reference] == (
        dataset["A"].reference,
        "Access (Art 15)",
        "Web form",
        "Closed",
        datetime.datetime(2026, 9, 1),
        datetime.datetime(2026, 9, 29),
        None,
        datetime.datetime(2026, 9, 10),
        "Granted",
        "yes",
        9,
        "Zoë IJsbrand",
    )
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"


def test_the_xlsx_is_in_dutch_for_a_dutch_user(dataset, dpo):
    response = client_for(dpo, "nl").get(XLSX_URL)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS_NL
    assert len(rows) == 17
    assert {row[-1] for row in rows[1:]} == {"Zoë IJsbrand", "Øyvind Hansen", None}
