"""What the tests share besides fixtures: servers on loopback, fake wires, real runs, samples.

Imported as `tests.support.<module>`; `tests/conftest.py` holds only fixtures built from these.
"""
