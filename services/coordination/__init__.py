"""The coordination service: registry, contracts, planning, tasks, incidents (one folder each)."""
