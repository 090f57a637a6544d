"""The evaluation sheet of annex 1 as forms, one per section, and the
conclusions of its §7. Pure: a form's fields become the section's content
(``parse_section``), saved content fills the form again (``section_values``),
and a refusal of the service names a content path that is turned back into
the form field it came from (``form_field``).

What a person gets wrong in a field (an empty required text, a number that is
none) is told here, in Romanian; the rules across fields (the tenure at the
current workplace is part of the total; a category's cases are part of all
cases) are the service's (``services/evaluations/sheet.py``), and its refusal
is shown at the field as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from events.vocabulary.evaluations import SHEET_ALLOWED, SHEET_REQUIRED
from gateway.web import words

Gettext = Callable[[str], str]
TEXT_MAX = 4000  # as the service bounds free text
TENURE_MAX = 60
CASES_MAX = 100_000
EXTRA_ROWS = 3  # empty rows offered after the saved ones
ROWS_MAX = 30  # never more rows read from a form than this


@dataclass(frozen=True)
class Field:
    """One field of a section's form. ``kind``: text, textarea, years (a
    number, halves allowed), whole (a whole number), lines (one item a line),
    choices (checkboxes, a subset of ``options``), counts (a whole number per
    option), institutions (rows of the collaborations table)."""

    name: str
    label: str
    kind: str = "textarea"
    required: bool = False
    hint: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section("general", "Date generale", (
            Field("position", "Funcția", "text", True),
            Field("service", "Serviciul", "text", True),
            Field("institution", "Instituția", "text", True),
            Field("tenure_current_years", "Vechimea la actualul loc de muncă (ani)", "years", True),
            Field("tenure_total_years", "Vechimea totală (ani)", "years", True),
            Field("coordinator_experience",
                  "Experiența asistentului social coordonator (domenii)", "choices",
                  options=words.CATEGORY_LABELS),
        )),
        Section("current_activity", "1. Activitatea curentă", (
            Field("total_cases", "Numărul total de cazuri gestionate", "whole", True),
            Field("cases_by_category", "Cazuri pe categorii vulnerabile", "counts",
                  hint="Lăsați gol unde nu sunt cazuri.", options=words.CATEGORY_LABELS),
            Field("services", "Tipuri de servicii și activități desfășurate", "lines", True,
                  hint="Câte una pe rând."),
            Field("documentation", "Modalitatea de documentare a cazurilor", "choices",
                  options=words.DOCUMENTATION),
            Field("documentation_note", "Alte detalii despre documentare"),
            Field("internal_support_network", "Rețeaua de sprijin din instituție"),
            Field("external_support_network", "Rețeaua externă de sprijin"),
        )),
        Section("beneficiaries", "2. Beneficiarii", (
            Field("characteristics", "Caracteristici principale ale beneficiarilor", required=True,
                  hint="De exemplu: vârstă, situație socio-economică, probleme frecvente."),
            Field("needs_and_difficulties", "Nevoi și dificultăți întâlnite", required=True),
        )),
        Section("collaborations", "3. Colaborări interinstituționale", (
            Field("institutions", "Instituții cu care tehnicianul colaborează", "institutions",
                  hint="Completați câte un rând pentru fiecare instituție; rândurile goale nu "
                  "se salvează."),
            Field("strengths", "Puncte forte în colaborare"),
            Field("difficulties", "Dificultăți în colaborare"),
        )),
        Section("difficult_situations", "4. Situații dificile întâlnite", (
            Field("examples", "Exemple de cazuri problematice gestionate", required=True,
                  hint="Fără date care să identifice un beneficiar."),
            Field("approaches", "Modalități de abordare aplicate", required=True),
            Field("support_needs", "Nevoi de sprijin identificate", required=True),
        )),
        Section("competencies", "5. Competențe și deprinderi profesionale", (
            Field("strengths_observed", "Puncte forte observate", required=True),
            Field("aspects_to_develop", "Aspecte care necesită dezvoltare", required=True),
        )),
        Section("other_aspects", "6. Alte aspecte relevante", (
            Field("notes", "Alte aspecte relevante", required=True),
        )),
        Section("results", "Rezultatele perioadei", (
            Field("objectives_met", "Obiectivele atinse", required=True),
            Field("results", "Rezultatele obținute", required=True),
            Field("impact_on_beneficiaries", "Impactul asupra beneficiarilor"),
            Field("objectives_revised", "Obiectivele revizuite"),
            Field("summary", "Rezumat"),
        )),
    )
}
# which sections each kind of evaluation has, in the sheet's order, and which
# must be written before signing: the service's own table, not a copy of it
ALLOWED = SHEET_ALLOWED
REQUIRED = SHEET_REQUIRED


def N_(text: str) -> str:
    """A text to translate later (extracted, not yet translated)."""
    return text


# the rules across fields the service keeps, said at the field they name
SERVICE_SAYS = {
    "tenure_current_years": N_("Vechimea la actualul loc de muncă face parte din vechimea "
    "totală: nu poate fi mai mare decât ea."),
    "cases_by_category": N_("Cazurile unei categorii nu pot fi mai multe decât totalul cazurilor."),
}
ROW_FIELDS = ("institution", "kind", "frequency", "effectiveness")
TRAINING_FIELDS = ("training_kind", "training_domain", "training_direction")


@dataclass
class Parsed:
    content: dict[str, Any]
    errors: dict[str, str]
    rows: list[int] = field(default_factory=list)  # the form row of each content row


def _number(raw: str, whole: bool, high: float) -> float | int | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    if not 0 <= value <= high or (whole and not value.is_integer()):
        return None
    return int(value) if value.is_integer() else value


def _texts_of(form: MultiDict, f: Field, _: Gettext, errors: dict[str, str]) -> Any:
    raw = form.get(f.name, "").strip()
    if f.kind in ("years", "whole"):
        high = TENURE_MAX if f.kind == "years" else CASES_MAX
        number = _number(raw, f.kind == "whole", high)
        if number is None:
            said = _("Scrieți un număr întreg de la 0 la {high}.") if f.kind == "whole" else _(
                "Scrieți un număr de ani de la 0 la {high}.")
            errors[f.name] = said.format(high=high)
        return number
    if len(raw) > TEXT_MAX:
        errors[f.name] = _("Textul are cel mult {n} de caractere.").format(n=TEXT_MAX)
    if f.kind == "lines":
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if f.required and not lines:
            errors[f.name] = _("Scrieți cel puțin un rând.")
        return lines
    if f.required and not raw:
        errors[f.name] = _("Completați acest câmp.")
    return raw


def _counts(form: MultiDict, f: Field, _: Gettext, errors: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for option in f.options:
        raw = form.get(f"{f.name}-{option}", "").strip()
        if raw:
            number = _number(raw, True, CASES_MAX)
            if number is None:
                errors[f"{f.name}-{option}"] = _("Scrieți un număr întreg.")
            else:
                counts[option] = int(number)
    return counts


def row_count(form: MultiDict, names: tuple[str, ...]) -> int:
    """How many rows the form has: one after the last row that names any."""
    used = [i for i in range(ROWS_MAX) if any(form.get(f"{n}-{i}") is not None for n in names)]
    return used[-1] + 1 if used else 0


def _institutions(form: MultiDict, _: Gettext, errors: dict[str, str]) -> tuple[list, list]:
    rows, at = [], []
    for i in range(row_count(form, ROW_FIELDS)):
        given = {n: form.get(f"{n}-{i}", "").strip() for n in ROW_FIELDS}
        if not any(given.values()):
            continue
        if not given["institution"]:
            errors[f"institution-{i}"] = _("Scrieți numele instituției.")
        if given["kind"] not in words.COLLABORATION_KINDS:
            errors[f"kind-{i}"] = _("Alegeți tipul colaborării.")
        if given["frequency"] not in words.COLLABORATION_FREQUENCY:
            errors[f"frequency-{i}"] = _("Alegeți frecvența.")
        if given["effectiveness"] not in words.EFFECTIVENESS:
            errors[f"effectiveness-{i}"] = _("Alegeți eficiența, de la 1 la 4.")
        level = given["effectiveness"]
        rows.append(given | {"effectiveness": int(level) if level.isdigit() else level})
        at.append(i)
    return rows, at


def parse_section(section: str, form: MultiDict, _: Gettext) -> Parsed:
    """The section's content from its form, and the errors at its fields."""
    errors: dict[str, str] = {}
    content: dict[str, Any] = {}
    rows: list[int] = []
    for f in SECTIONS[section].fields:
        if f.kind == "choices":
            content[f.name] = _chosen(form, f.name, f.options)
        elif f.kind == "counts":
            content[f.name] = _counts(form, f, _, errors)
        elif f.kind == "institutions":
            content[f.name], rows = _institutions(form, _, errors)
        else:
            content[f.name] = _texts_of(form, f, _, errors)
    return Parsed(content, errors, rows)


def section_values(section: str, content: Mapping[str, Any] | None) -> MultiDict:
    """The form filled with a section's saved content."""
    values: MultiDict = MultiDict()
    for f in SECTIONS[section].fields:
        saved = (content or {}).get(f.name)
        if saved is None:
            continue
        if f.kind == "choices":
            for chosen in saved:
                values.add(f.name, chosen)
        elif f.kind == "counts":
            for option, n in saved.items():
                values[f"{f.name}-{option}"] = str(n)
        elif f.kind == "institutions":
            for i, row in enumerate(saved):
                for n in ROW_FIELDS:
                    values[f"{n}-{i}"] = str(row.get(n, ""))
        elif f.kind == "lines":
            values[f.name] = "\n".join(saved)
        else:
            values[f.name] = f"{saved:g}" if isinstance(saved, float) else str(saved)
    return values


# -- 7. Concluzii și recomandări inițiale --------------------------------------
def parse_conclusions(form: MultiDict, domains: list[str], _: Gettext) -> Parsed:
    """The conclusions: grid domains needing the coordinator's support, tasks
    delegable with autonomy, and directions of training (rows)."""
    errors: dict[str, str] = {}
    training, at = [], []
    for i in range(row_count(form, TRAINING_FIELDS)):
        kind, domain, direction = (form.get(f"{n}-{i}", "").strip() for n in TRAINING_FIELDS)
        if not (kind or domain or direction):
            continue
        if kind not in words.SUPPORT_KINDS:
            errors[f"training_kind-{i}"] = _("Alegeți felul sprijinului.")
        if not direction:
            errors[f"training_direction-{i}"] = _("Scrieți direcția de formare.")
        row = {"kind": kind, "direction": direction}
        if domain in domains:
            row["domain"] = domain
        training.append(row)
        at.append(i)
    content = {
        "support_domains": _chosen(form, "support_domains", domains),
        "autonomous_tasks": _chosen(form, "autonomous_tasks", words.TASK_TYPES),
        "training": training,
    }
    return Parsed(content, errors, at)


def _chosen(form: MultiDict, name: str, allowed: Any) -> list[str]:
    return [v for v in dict.fromkeys(form.getlist(name)) if v in allowed]


def conclusions_values(content: Mapping[str, Any] | None) -> MultiDict:
    values: MultiDict = MultiDict()
    for name in ("support_domains", "autonomous_tasks"):
        for chosen in (content or {}).get(name, []):
            values.add(name, chosen)
    for i, row in enumerate((content or {}).get("training", [])):
        values[f"training_kind-{i}"] = row.get("kind", "")
        values[f"training_domain-{i}"] = row.get("domain") or ""
        values[f"training_direction-{i}"] = row.get("direction", "")
    return values


# -- a refusal back at its field ----------------------------------------------
ROW_PATH = re.compile(r"^(institutions|training)\[(\d+)\](?:\.(\w+))?$")


def form_field(path: str | None, rows: list[int]) -> str | None:
    """The form field a content path names ("general.tenure_current_years",
    "collaborations.institutions[1].kind", "conclusions.training[0]"), or
    None when it names the whole section."""
    if not path or "." not in path:
        return None
    rest = path.split(".", 1)[1]
    row = ROW_PATH.match(rest)
    if row:
        table, index, part = row.groups()
        i = rows[int(index)] if int(index) < len(rows) else int(index)
        if table == "institutions":
            return f"{part or 'institution'}-{i}"
        return f"training_{part or 'kind'}-{i}"
    name, _, option = rest.partition(".")
    name = name.split("[")[0]
    return f"{name}-{option}" if option else name


def refusal_errors(
    path: str | None, rows: list[int], message: str, _: Gettext
) -> dict[str, str]:
    """The refusal at the field it names ({} when it names none): in the
    words of the rule the service keeps there, or the refusal's own."""
    name = form_field(path, rows)
    if name is None:
        return {}
    said = SERVICE_SAYS.get(name.split("-")[0])
    return {name: _(said) if said else message}
