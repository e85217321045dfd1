"""`scimcert load`: IdP-shaped traffic at the rates IdPs require, driven by Locust.

Only `locustfile.py` imports Locust (and so gevent). It runs in a child process that
`launch.py` starts, so Locust's monkey-patching never reaches the harness process, nor a
reference server started in it; every other module here is plain Python the CLI may import.
"""
