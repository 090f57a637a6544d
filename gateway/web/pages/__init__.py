"""The web app's pages, one module per part; ``PAGES`` is every table."""

from gateway.web.page import PageTable
from gateway.web.pages import (
    cases,
    coord_cases,
    coord_evaluations,
    coord_incidents,
    coord_work,
    coordinator,
    documents,
    eval_sheet,
    signin,
    spas_head,
    tech_evaluations,
    tech_tasks,
    technician,
)

PAGES: list[PageTable] = [signin.pages]
# the technician's screens, and the case and document pages both roles share
PAGES += [cases.pages, documents.pages, technician.pages, tech_tasks.pages]
# the coordinator's screens
PAGES += [coordinator.pages, coord_cases.pages, coord_work.pages, coord_incidents.pages]
PAGES += [coord_evaluations.pages, eval_sheet.pages]
PAGES += [tech_evaluations.pages]  # the technician's own evaluation
PAGES += [spas_head.pages]  # the SPAS head's home
