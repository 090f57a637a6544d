"""The web app's pages, one module per part; ``PAGES`` is every table."""

from gateway.web.page import PageTable
from gateway.web.pages import (
    coord_cases,
    coord_evaluations,
    coord_incidents,
    coord_work,
    coordinator,
    signin,
)

PAGES: list[PageTable] = [signin.pages]
PAGES += [coordinator.pages, coord_cases.pages, coord_work.pages, coord_incidents.pages]
PAGES += [coord_evaluations.pages]
