"""Incidents and difficulties (instrument F; guide chapter 4).

A difficulty of one of the six types of 4.2 is reported on a
standard form — by the technician, their coordinator or the head of their
SPAS — and then walked through the seven steps of 4.5, strictly in order:
identified → informed → cause analysed → solution chosen → implemented →
monitored → documented as an internal case study.

- The coordinator of the technician leads the steps; the SPAS head may too
  (step 2 of 4.5 brings a difficulty about the coordination itself to the
  superior), and the county admin once it has been escalated to them.
- A difficulty about the coordinator (``about_coordinator``, 4.5 step 2) is
  the SPAS head's alone to lead, and hidden from that coordinator (as if it
  were not there) until the head shares it (``SharedWithCoordinator``).
- Deadlines by kind (1.3 §2.5, F, 4.2; ``deadlines.py``): each difficulty
  type has the county's default deadline, in hours; ethics breaches (4.2.4,
  a suspicion of abuse left unreported among them) are handled at once —
  hours, never days. A reporter may shorten it, never lengthen it.
- Escalation (4.4.3): every incident has a resolution deadline. An incident
  whose solution is not implemented by then goes up one level — the SPAS
  head, then, after a further deadline, the county admin — never twice to
  the same level. Time is always an argument (an injectable clock).
- Redistribution (4.5 step 4; ``workload.py``): where the workload is the
  cause (4.2.5, 4.2.1, as the cause analysis names it) or for a burnout
  (4.2.6, case 4 of 4.6), the coordinator redistributes the technician's
  open tasks, for a short time, to another technician they also
  coordinate. The task sheets belong to another capability, so this is
  recorded here as a fact (``TasksRedistributed``, published) for that
  capability to act on.
- Excessive delegation (4.2.1; ``workload.py``) is detected from the tasks:
  past the county's limit of open tasks, the platform raises a difficulty
  about the coordinator, which the SPAS head leads.

R1 and reporting: a technician reports only under an active coordination
contract (their report goes to the coordinator who leads the steps);
without one, the head of their SPAS — the employer — reports and leads,
so no difficulty is left without a channel (principle 2 of 4.3).
"""
