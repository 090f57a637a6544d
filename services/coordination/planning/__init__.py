"""Coordination plan (instrument C) and coordination journal (instrument D.3);
guide 2.1 §2, 3.1 C–D, 3.2 C–D.

The coordinator draws up the plan per contract — meeting calendar, channels,
reporting procedures and deadlines (R7), priorities, measurable objectives
and the delegable task list (R2, R3) — and every change is a new version
(``plan``). The coordinator keeps the journal of meetings and contacts with
the technician (``journal``); the monthly coordination hours of R6 are summed
from it (``views``). ``domain`` holds what both share: the contract as they
see it, the errors, the guards and the months.
"""
