"""Measurements of the servers, the harness and the mock IdP against peers (`make bench`)."""
