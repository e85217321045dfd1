"""Vendor gates: a suite file's tests judged from a run's items, the vendor's overall rule, and the
vendor-shaped result file."""
