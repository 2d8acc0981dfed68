"""`manage.py check` warns when HarfBuzz's subsetting library is missing (WeasyPrint then
silently takes a path about three times slower) and when a letter font is gone."""

from django.core.management import call_command

from letters import checks


def test_it_is_quiet_when_everything_is_there():
    assert checks.harfbuzz_subset_available()
    assert checks.check_letter_rendering() == []


def test_it_warns_without_harfbuzz_subsetting(monkeypatch, capsys):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)

    messages = checks.check_letter_rendering()

    assert [m.id for m in messages] == [checks.HARFBUZZ_SUBSET_MISSING]
    assert messages[0].level == 30  # a warning: letters still render, slowly
    assert "libharfbuzz-subset0" in messages[0].hint
    call_command("check")
    assert checks.HARFBUZZ_SUBSET_MISSING in capsys.readouterr().err


def test_it_finds_no_library_under_a_wrong_name(monkeypatch):
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(checks, "_HARFBUZZ_SUBSET_NAMES", ("libno-such-harfbuzz.so.0",))

    assert not checks.harfbuzz_subset_available()


def test_it_reports_a_missing_font(monkeypatch):
    monkeypatch.setattr(checks, "LETTER_FONTS", ("letters/fonts/Gone.ttf",))

    assert [m.id for m in checks.check_letter_rendering()] == [checks.LETTER_FONT_MISSING]
