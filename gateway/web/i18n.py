"""Romanian first, English second.

The pages are written in Romanian: the templates' and the code's texts are
the Romanian messages themselves (``_("Cazurile mele")``). The English
catalogue (``locale/en/LC_MESSAGES/messages.po``, read with Babel) translates
them; a text it lacks stays Romanian. Dates are shown as ``30.11.2026`` and
times in Europe/Bucharest, whatever the language.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from events.clock import LOCAL_TIME

HERE = Path(__file__).parent
DEFAULT = "ro"


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language`` (Romanian needs none)."""
    if language == DEFAULT:
        return NullTranslations()
    po = HERE / "locale" / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def gettext_of(language: str) -> Callable[[str], str]:
    return translations(language).gettext


# -- dates and times: 30.11.2026, 14:05, in the county's zone --------------------------
def _moment(value: Any) -> datetime | date | None:
    if value in (None, ""):
        return None
    if isinstance(value, (datetime, date)):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        return None


def local(value: Any) -> datetime | date | None:
    moment = _moment(value)
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(LOCAL_TIME)
    return moment


def as_date(value: Any) -> str:
    moment = local(value)
    return "" if moment is None else moment.strftime("%d.%m.%Y")


def as_datetime(value: Any) -> str:
    moment = local(value)
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return moment.strftime("%d.%m.%Y")
    return moment.strftime("%d.%m.%Y %H:%M")


def as_month(value: Any, language: str = DEFAULT) -> str:
    """``2026-11`` → ``noiembrie 2026`` (``November 2026``)."""
    text = str(value or "")
    try:
        first = date.fromisoformat(f"{text[:7]}-01")
    except ValueError:
        return text
    return format_date(first, "LLLL yyyy", locale=language)


@cache
def environment(language: str) -> Environment:
    """One template environment per language, built once: installing
    translations per request would not be safe between concurrent pages."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalogue = translations(language)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        # a table of the domain's labels (``words``) as options, in the language
        translated=lambda table: [(k, catalogue.gettext(v)) for k, v in table.items()],
        data=as_date,
        data_ora=as_datetime,
        luna=lambda value: as_month(value, language),
    )
    env.globals["language"] = language
    return env
