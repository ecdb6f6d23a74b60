"""Periodic work: modules register their jobs, one scheduler process runs them, each run is recorded
and the district administrator sees the last runs (and can start one)."""
