"""Vendor gates as data: each suite names a vendor's tests, in the vendor's order, and the
scimcert scenarios that stand for them (`suite.schema.json`; read by harness/suites)."""
