"""The web app's pages, one module per part; ``PAGES`` is every table."""

from gateway.web.page import PageTable
from gateway.web.pages import cases, documents, signin, tech_tasks, technician

PAGES: list[PageTable] = [signin.pages]
# H1: the technician's screens
PAGES += [cases.pages, documents.pages, technician.pages, tech_tasks.pages]
