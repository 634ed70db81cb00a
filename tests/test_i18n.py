"""Translations: every string is translated in vi, sv and ru, the .po files match the source,
the committed .mo files match the .po files, and placeholders survive translation.

How to fix a failure: docs/translation.md.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

import safecommune

PACKAGE_DIR = Path(safecommune.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
REPO_DIR = Path(__file__).resolve().parents[1]
LANGUAGES = ["vi", "en", "sv", "ru"]
TRANSLATED = ["vi", "sv", "ru"]  # English is the source language of the msgids.

# Strings whose Swedish or Russian translation is rightly the English text itself.
# Keep this tiny: a string belongs here only if a translator would write exactly the English.
SAME_AS_ENGLISH = {
    "sv": {"API", "SafeCommune", "Status", "%(area)s km²", "SHA-256"},
    "ru": {"API", "SafeCommune", "SHA-256"},
}

FIX = "Run `make messages`, translate, then compile (see docs/translation.md)."


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def load_po(path: Path) -> polib.POFile:
    return polib.pofile(str(path), wrapwidth=0)


def entry_key(entry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def show(key) -> str:
    msgctxt, msgid, msgid_plural = key
    text = repr(msgid) + (f" / {msgid_plural!r}" if msgid_plural else "")
    return f"[{msgctxt}] {text}" if msgctxt else text


def live_entries(po: polib.POFile) -> list:
    return [entry for entry in po if not entry.obsolete]


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def forms(entry) -> list[str]:
    """The msgstr forms of an entry, in order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# --- Files and headers ---------------------------------------------------------------------

def test_every_configured_language_has_a_catalogue_and_nothing_else():
    configured = {code for code, _name in settings.LANGUAGES}
    present = {path.name for path in LOCALE_DIR.iterdir() if path.is_dir()}
    assert configured == set(LANGUAGES)
    assert present == configured, f"locale folders {sorted(present)} ≠ LANGUAGES {sorted(configured)}"
    for lang in LANGUAGES:
        assert po_path(lang).is_file(), f"{po_path(lang)} is missing. {FIX}"
        assert po_path(lang).with_suffix(".mo").is_file(), f"{lang}: django.mo is missing. {FIX}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_po_header_names_language_charset_and_plural_forms(lang):
    po = load_po(po_path(lang))
    assert not po.metadata_is_fuzzy, f"{lang}: the header is still marked fuzzy"
    assert po.metadata.get("Language") == lang
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    expected = 1 if lang == "vi" else (2 if lang in ("en", "sv") else None)
    if expected is not None:
        assert nplurals(po) == expected
    else:
        # Django's own Russian catalogue has a fourth form for fractions (1,5 единицы); we use
        # the header makemessages gives us so our catalogue and Django's agree.
        assert nplurals(po) in (3, 4)


# --- a. Complete: no empty, no fuzzy ------------------------------------------------------

@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_is_translated_and_none_is_fuzzy(lang):
    po = load_po(po_path(lang))
    count = nplurals(po)
    problems = []
    for entry in live_entries(po):
        if entry.fuzzy:
            problems.append(f"fuzzy: {show(entry_key(entry))}")
        if entry.msgid_plural and len(entry.msgstr_plural) != count:
            problems.append(f"{len(entry.msgstr_plural)} plural forms, header says {count}: "
                            f"{show(entry_key(entry))}")
        if any(not text for text in forms(entry)):
            problems.append(f"untranslated: {show(entry_key(entry))}")
    assert not problems, f"{lang}: {len(problems)} problem(s). {FIX}\n" + "\n".join(problems)


def test_english_catalogue_repeats_the_source_or_leaves_it_empty():
    wrong = []
    for entry in live_entries(load_po(po_path("en"))):
        english = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        texts = forms(entry)
        if any(texts) and texts != english:
            wrong.append(f"{show(entry_key(entry))} → {texts!r}")
    assert not wrong, ("English is the source language; change the string in the code, "
                       "not in en/django.po:\n" + "\n".join(wrong))


# --- b. Current: the .po files hold exactly the source's msgids ----------------------------

def makemessages_arguments() -> list[str]:
    """The options of the Makefile's `messages` target (minus the language choice)."""
    for line in (REPO_DIR / "Makefile").read_text(encoding="utf-8").splitlines():
        if "makemessages" in line:
            words = shlex.split(line.split("makemessages", 1)[1])
            break
    else:
        pytest.fail("The Makefile has no makemessages line in its `messages` target.")
    arguments, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in ("-l", "--locale", "-x", "--exclude"):
            skip = True
        elif word in ("-a", "--all") or word == "&&":
            continue
        else:
            arguments.append(word)
    return arguments


@pytest.fixture(scope="module")
def fresh_po(tmp_path_factory) -> polib.POFile:
    """A .po made now by makemessages from a copy of the source, so the tree is never touched."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("gettext is not installed (xgettext/msgmerge missing), so the .po files "
                    "cannot be checked against the source. Install it: `apt-get install "
                    "gettext` (Debian/Ubuntu) or `brew install gettext` (macOS).")
    root = tmp_path_factory.mktemp("i18n")
    copy = root / "src" / "safecommune"

    def ignore(directory, names):
        here = Path(directory)
        skipped = {name for name in names if name in ("__pycache__",) or name.endswith(".pyc")}
        if here == PACKAGE_DIR:
            skipped |= {"locale"} & set(names)
        if here == PACKAGE_DIR / "static":
            skipped |= {"vendor"} & set(names)
        return skipped

    shutil.copytree(PACKAGE_DIR, copy, ignore=ignore)
    # An empty locale/ in the working directory makes makemessages write into the copy even if
    # settings.LOCALE_PATHS pointed at the real package; PYTHONPATH makes it point at the copy.
    (copy / "locale").mkdir()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="safecommune.settings",
               SAFECOMMUNE_VAR_DIR=str(root / "var"),
               PYTHONPATH=os.pathsep.join([str(copy.parent), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "django", "makemessages", "-l", "vi",
               *makemessages_arguments()]
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    fresh = copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    assert fresh.is_file(), f"makemessages did not write {fresh}:\n{result.stdout}{result.stderr}"
    return load_po(fresh)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_po_file_holds_exactly_the_strings_of_the_source(lang, fresh_po):
    wanted = {entry_key(entry) for entry in live_entries(fresh_po)}
    committed = load_po(po_path(lang))
    present = {entry_key(entry) for entry in live_entries(committed)}
    missing = sorted(wanted - present, key=str)
    extra = sorted(present - wanted, key=str)
    obsolete = [entry_key(entry) for entry in committed.obsolete_entries()]
    report = ([f"missing (in the source, not in the .po): {show(key)}" for key in missing]
              + [f"extra (in the .po, no longer in the source): {show(key)}" for key in extra]
              + [f"obsolete entry left in the file: {show(key)}" for key in obsolete])
    assert not report, f"{lang}/django.po is stale. {FIX}\n" + "\n".join(report)


# --- c. No copied English ------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["sv", "ru"])
def test_no_translation_is_the_english_copied(lang):
    allowed = SAME_AS_ENGLISH[lang]
    copied = []
    for entry in live_entries(load_po(po_path(lang))):
        texts = forms(entry)
        if entry.msgid_plural:
            same = texts[:1] == [entry.msgid] and all(t == entry.msgid_plural for t in texts[1:])
        else:
            same = texts == [entry.msgid]
        if same and entry.msgid not in allowed:
            copied.append(show(entry_key(entry)))
    assert not copied, (f"{lang}: English copied as the translation (translate it, or if the "
                        f"English is right in {lang}, add it to SAME_AS_ENGLISH):\n"
                        + "\n".join(copied))


@pytest.mark.parametrize("lang", ["sv", "ru"])
def test_allowlist_has_no_stale_entries(lang):
    msgids = {entry.msgid for entry in live_entries(load_po(po_path(lang)))}
    assert SAME_AS_ENGLISH[lang] <= msgids, SAME_AS_ENGLISH[lang] - msgids


# --- d. The committed .mo files are compiled from the current .po files -------------------

def catalogue(entries) -> dict:
    return {(entry.msgctxt, entry.msgid): tuple(forms(entry)) for entry in entries}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mo_file_is_compiled_from_the_current_po_file(lang):
    po = load_po(po_path(lang))
    mo = polib.mofile(str(po_path(lang).with_suffix(".mo")))
    expected = catalogue(e for e in live_entries(po) if e.msgid and e.translated())
    compiled = catalogue(e for e in mo if e.msgid)
    differ = sorted({key for key in expected.keys() | compiled.keys()
                     if expected.get(key) != compiled.get(key)}, key=str)
    lines = [f"{key[1]!r}: .po {expected.get(key)!r} / .mo {compiled.get(key)!r}"
             for key in differ[:20]]
    assert not differ, (f"{lang}/django.mo differs from django.po in {len(differ)} string(s); "
                        "run `make messages` (or `cd src/safecommune && safecommune "
                        "compilemessages`) and commit the .mo:\n" + "\n".join(lines))
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


# --- e. Placeholders ------------------------------------------------------------------------

PYTHON_FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])")
BRACE_FORMAT = re.compile(r"\{\{?\s*[\w.\[\]]*\s*(?:[!:][^{}]*)?\}\}?")


def placeholders(text: str, *, python_format: bool) -> tuple:
    named, positional = set(), []
    if python_format:
        for match in PYTHON_FORMAT.finditer(text):
            if match.group("type") == "%":
                continue
            if match.group("name") is not None:
                named.add(match.group(0))
            else:
                positional.append(match.group(0))
    else:
        named = set(re.findall(r"%\(\w+\)[sdif]", text))
    braces = Counter(re.sub(r"\s+", "", token) for token in BRACE_FORMAT.findall(text))
    return named, positional, braces


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang):
    wrong = []
    for entry in live_entries(load_po(po_path(lang))):
        python_format = "python-format" in entry.flags
        source = entry.msgid_plural or entry.msgid
        expected = placeholders(source, python_format=python_format)
        for text in forms(entry):
            if text and placeholders(text, python_format=python_format) != expected:
                wrong.append(f"{show(entry_key(entry))} → {text!r}")
    assert not wrong, (f"{lang}: placeholders differ between msgid and msgstr (keep "
                       "%(name)s, %s, %d and {name} exactly):\n" + "\n".join(wrong))


def test_placeholder_check_catches_a_lost_or_renamed_placeholder():
    def same(a, b):
        return placeholders(a, python_format=True) == placeholders(b, python_format=True)

    assert same("Map of %(name)s", "Карта: %(name)s")
    assert not same("Map of %(name)s", "Карта")
    assert not same("Map of %(name)s", "Карта: %(nom)s")
    assert not same("%(n)d more", "%(n)s till")
    assert not same("%s of %d", "%d av %s")
    assert same("100%% of %(n)d", "%(n)d: 100%%")
    assert not same("{name} found", "{nom} hittades")


# --- Switching languages really translates ------------------------------------------------

@pytest.mark.parametrize("lang,expected", [
    ("vi", "Tìm đơn vị hành chính"),
    ("sv", "Sök administrativ enhet"),
    ("ru", "Найти административную единицу"),
    ("en", "Find a unit"),
])
def test_each_language_translates_known_strings(lang, expected):
    with translation.override(lang):
        assert translation.gettext("Find a unit") == expected
        if lang != "en":
            assert translation.gettext("Police duty hotline") != "Police duty hotline"
            assert translation.gettext("Remote commune") != "Remote commune"


@pytest.mark.parametrize("count,expected", [
    (1, "Найдена 1 единица"), (3, "Найдено 3 единицы"), (5, "Найдено 5 единиц"),
    (11, "Найдено 11 единиц"), (21, "Найдена 21 единица"), (104, "Найдено 104 единицы"),
])
def test_russian_plural_forms(count, expected):
    with translation.override("ru"):
        text = translation.ngettext("%(counter)s unit found", "%(counter)s units found", count)
    assert text % {"counter": count} == expected


@pytest.mark.django_db
def test_default_language_is_vietnamese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="")
    assert response.status_code == 200
    assert 'lang="vi"' in response.text
    assert "Tìm đơn vị hành chính" in response.text
