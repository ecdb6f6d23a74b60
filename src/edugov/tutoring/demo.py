"""Demo data for tutoring (filled in below)."""
