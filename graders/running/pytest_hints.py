"""A pytest plugin for hidden tests: a test's docstring becomes the hint a learner sees."""

from __future__ import annotations

import inspect

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    doc = inspect.getdoc(getattr(item, "obj", None)) or ""
    item.user_properties.append(("hint", " ".join(doc.split())))
