"""Vendor gates: each vendor test judged from its items, the vendor's rule, its result file."""
