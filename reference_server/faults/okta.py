"""Faults that break Okta's traffic beyond those in `idp.py`: its SPEC test, CRUD test, import and
Group Push as ../shared/idp/okta.md describes them."""
