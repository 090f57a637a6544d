"""The English catalogue, kept whole: ``python -m gateway.web.messages``
(``make messages``) extracts every Romanian text of the pages (templates and
code, with Babel) and rewrites ``locale/en/LC_MESSAGES/messages.po``,
keeping the translations it has, adding the new texts untranslated and
dropping the texts no page uses any more. A unit test fails while a text
lacks its English."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

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


def texts() -> set[str]:
    # each found: (file, line, message, comments, context)
    found = {
        item[2] if isinstance(item[2], str) else item[2][0]
        for item in extract_from_dir(HERE, METHODS, OPTIONS)
    }
    return found | _table_texts()


def _table_texts() -> set[str]:
    """The labels of the tables (``words``: every table of names; the rule
    texts of ``gateway.rules`` and the sentences of ``gateway.problem_texts``,
    which the API's problems say too; the advice of ``refusals``), which
    pages translate from variables."""
    from gateway import problem_texts, rules
    from gateway.web import refusals, words

    found: set[str] = {problem_texts.GENERIC, rules.DEFAULT_ACT}
    for module in (problem_texts, refusals, rules, words):
        for name, table in vars(module).items():
            if name.isupper() and isinstance(table, dict):
                found.update(v for v in table.values() if isinstance(v, str))
    for module in _page_modules():
        for name, value in vars(module).items():
            if name.isupper():
                found.update(_shown_texts(value))
    return found


# the texts a page's declarative tables show (forms' fields, acts' titles…)
SHOWN = ("label", "title", "button", "done", "hint")


def _page_modules() -> list[Any]:
    import importlib
    import pkgutil

    from gateway.web import pages

    return [
        importlib.import_module(f"{pages.__name__}.{info.name}")
        for info in pkgutil.iter_modules(pages.__path__)
    ]


def _shown_texts(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {t for v in value.values() for t in _shown_texts(v)}
    if isinstance(value, (tuple, list)):
        return {t for v in value for t in _shown_texts(v)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = {getattr(value, a) for a in SHOWN if isinstance(getattr(value, a, None), str)}
        for f in dataclasses.fields(value):
            found |= _shown_texts(getattr(value, f.name))
        return found
    return set()


def current() -> Catalog:
    if not ENGLISH.exists():
        return Catalog(locale="en")
    with ENGLISH.open("rb") as source:
        return read_po(source, locale="en")


def missing() -> list[str]:
    catalog = current()
    return sorted(t for t in texts() if not ((found := catalog.get(t)) and found.string))


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
