"""pytest's JUnit XML → checks with points."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Outcome = Literal["passed", "failed", "error", "skipped"]


MARKERS_PROPERTY = "classroom_markers"  # written by graders.running.pytest_public, space-separated


@dataclass(frozen=True)
class CaseOutcome:
    node_id: str
    outcome: Outcome
    message: str
    hint: str
    markers: frozenset[str] = field(default_factory=frozenset)


class JunitUnreadable(Exception):
    """The XML file is missing or malformed."""


def read_junit(path: Path) -> list[CaseOutcome]:
    """Every testcase in a pytest JUnit XML file, with node ids like `tests/test_x.py::test_y`."""
    if not path.is_file():
        raise JunitUnreadable(f"{path.name} was not written")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise JunitUnreadable(f"{path.name} is not valid XML: {exc}") from exc
    return [_outcome(case) for case in root.iter("testcase")]


def _outcome(case: ET.Element) -> CaseOutcome:
    outcome: Outcome = "passed"
    message = ""
    for tag, kind in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        element = case.find(tag)
        if element is not None:
            outcome = kind  # type: ignore[assignment]  # kind is one of the Outcome literals
            message = (element.text or element.get("message") or "").strip()
            break
    properties = {prop.get("name"): prop.get("value", "") for prop in case.iter("property")}
    markers = frozenset((properties.get(MARKERS_PROPERTY) or "").split())
    return CaseOutcome(_node_id(case), outcome, message, properties.get("hint") or "", markers)


def _node_id(case: ET.Element) -> str:
    """pytest writes `classname="tests.test_x"` (or `tests.test_x.TestClass`) and `name`."""
    file = case.get("file")
    classname = case.get("classname", "")
    name = case.get("name", "")
    if file:
        module_path = file
        rest = classname.split(".")[len(Path(file).with_suffix("").parts) :]
    else:
        parts = classname.split(".")
        split = next((i for i, p in enumerate(parts) if p[:1].isupper()), len(parts))
        module_path = "/".join(parts[:split]) + ".py"
        rest = parts[split:]
    return "::".join([module_path, *rest, name])
