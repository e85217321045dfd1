"""Faults that break Entra ID's, OneLogin's or Ping's traffic beyond those in `idp.py`, as
../shared/idp/entra_onelogin.md describes it."""
