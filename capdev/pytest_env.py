"""Loaded by pytest before Django (`-p capdev.pytest_env`): the test run's environment.

A throwaway secret (settings refuse to start without one when DEBUG is off), plain static
storage (no collectstatic in tests) and no HTTPS redirect for the test client.
"""

import os

os.environ.setdefault(
    "SECRET_KEY", "capdev-test-secret-key-only-for-the-test-suite-0123456789abcdef"
)
os.environ.setdefault("CAPDEV_STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CAPDEV_TASKS", "immediate")
