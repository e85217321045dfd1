"""Capture: real IdP traffic as recordings (proxy, HAR, vendor examples), scrubbed and replayed."""
