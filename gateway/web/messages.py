"""The English catalogue, kept whole: ``python -m gateway.web.messages``
(``make messages``) extracts every Romanian text of the pages (templates and
code, with Babel) and rewrites ``locale/en/LC_MESSAGES/messages.po``,
keeping the translations it has, adding the new texts untranslated and
dropping the texts no page uses any more. A unit test fails while a text
lacks its English."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
ENGLISH = HERE / "locale" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "yes"}}
# texts the code gives ``_()`` from tables rather than literally
TABLES = ("gateway.web.refusals", "gateway.web.words")


def texts() -> set[str]:
    # each found: (file, line, message, comments, context)
    found = {
        item[2] if isinstance(item[2], str) else item[2][0]
        for item in extract_from_dir(HERE, METHODS, OPTIONS)
    }
    return found | _table_texts()


def _table_texts() -> set[str]:
    from gateway.web import refusals, words

    found: set[str] = set()
    for table in (refusals.RULES, refusals.ADVICE, refusals.BY_CODE, words.ACTS, words.ROLES):
        found.update(table.values())
    found.update({refusals.GENERIC, refusals.DEFAULT_ACT})
    found.update(getattr(words, "LABELS", {}).values())
    return found


def current() -> Catalog:
    if not ENGLISH.exists():
        return Catalog(locale="en")
    with ENGLISH.open("rb") as source:
        return read_po(source, locale="en")


def missing() -> list[str]:
    catalog = current()
    return sorted(t for t in texts() if not (catalog.get(t) and catalog.get(t).string))


def rewrite() -> None:
    old = current()
    catalog = Catalog(locale="en", project="Coordonare", fuzzy=False)
    for text in sorted(texts()):
        kept = old.get(text)
        catalog.add(text, kept.string if kept else "")
    ENGLISH.parent.mkdir(parents=True, exist_ok=True)
    with ENGLISH.open("wb") as target:
        write_po(target, catalog, width=100, omit_header=False, sort_output=True)


if __name__ == "__main__":
    rewrite()
    left = missing()
    print(f"{ENGLISH}: {len(left)} text(s) without English", file=sys.stderr)
