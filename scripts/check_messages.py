"""List what is left to translate after `make messages`, and fill the English catalogue.

    .venv/bin/python scripts/check_messages.py            # untranslated/fuzzy strings per language
    .venv/bin/python scripts/check_messages.py --fill-en  # also copy each msgid into en/django.po

Exits 1 while a vi, sv or ru string is untranslated or fuzzy. tests/test_i18n.py is the full
check (stale files, copied English, placeholders, .mo files); this is the quick working list.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parents[1] / "src" / "safecommune" / "locale"
TRANSLATED = ["vi", "sv", "ru"]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def fill_english() -> int:
    po = polib.pofile(str(po_path("en")))
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            wanted = {0: entry.msgid, 1: entry.msgid_plural}
            if entry.msgstr_plural != wanted:
                entry.msgstr_plural = wanted
                filled += 1
        elif entry.msgstr != entry.msgid:
            entry.msgstr = entry.msgid
            filled += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(po_path("en")))
    return filled


def todo(lang: str) -> list[str]:
    po = polib.pofile(str(po_path(lang)))
    lines = []
    for entry in po:
        if entry.obsolete:
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.fuzzy or not all(texts):
            state = "fuzzy" if entry.fuzzy else "untranslated"
            lines.append(f"  {state}: {entry.msgid!r}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill-en", action="store_true",
                        help="copy every msgid into en/django.po (English is the source)")
    args = parser.parse_args()
    if args.fill_en:
        print(f"en: {fill_english()} string(s) filled from the source")
    left = 0
    for lang in TRANSLATED:
        lines = todo(lang)
        left += len(lines)
        print(f"{lang}: {len(lines)} to do")
        print("\n".join(lines)) if lines else None
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
