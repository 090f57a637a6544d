"""The steps of an incident and the limits of its handling (instrument F;
guide chapter 4). The codes a report chooses from (difficulty types, causes,
measures, ...) are in ``events.vocabulary.coordination``."""

from __future__ import annotations

# 4.5, in order; the incident is resolved once its solution is implemented
# (no more escalation) and closed once documented as a case study.
STEPS = (
    "identified",
    "informed",
    "cause_analysed",
    "solution_chosen",
    "solution_implemented",
    "monitored",
    "documented",
)
RESOLVING_STEP = "solution_implemented"
CLOSING_STEP = "documented"
# the longest deadline a county may give (by type: ``deadlines.py``)
MAX_RESOLUTION_DAYS = 90
# Case 4: tasks are redistributed "pe termen scurt" — for a short time only.
MAX_REDISTRIBUTION_DAYS = 90
# Redistributing the tasks is a solution (4.5 step 4) where the workload is
# the cause (4.2.5 "volum mare de muncă delegat"; 4.2.1 excessive
# delegation), whatever the type of the difficulty — as named by the cause
# analysis (step 3); and for burnout (4.2.6, case 4 of 4.6) once identified.
WORKLOAD_CAUSES = ("workload", "excessive_delegation")
BURNOUT = "emotional_strain"
