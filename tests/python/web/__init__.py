"""The web app's tests: a package, so that its conftest is web.conftest and never shadows
tests/python/conftest.py for the modules that import from ``conftest``."""
