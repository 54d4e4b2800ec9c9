"""Fixtures for your regression tests: the public tests' own (`client`, `alice`, `bob`,
`new_user`, `make_client`: a fresh app on its own database for every test). Add your own
below."""

from tests.conftest import *  # noqa: F403
