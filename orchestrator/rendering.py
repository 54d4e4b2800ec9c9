"""The orchestrator's text templates (`orchestrator/templates/…`): one Jinja environment."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # TOML, CSV, YAML and Markdown, written for instructors and learners
    )


def render(template: str, **values: object) -> str:
    """Render one of the orchestrator's text templates (`course/…`, `provision/…`, …)."""
    return _environment().get_template(template).render(values)
