"""Faults that robustness probes and the core group and reactivation checks catch: what a server
does with hostile or unusual input (scenarios/robustness, ../shared/robustness.md)."""
