"""The decision record for OPS-4: why these deadlines and retries, for whoever changes them next."""

import re
from pathlib import Path

RECORD = Path.cwd() / "docs" / "decisions" / "0001-carrier-retries.md"
SECTIONS = ("Context", "Decision", "Consequences")


def sections() -> dict[str, str]:
    text = RECORD.read_text(encoding="utf-8")
    parts = re.split(r"^## +(.+?)\s*$", text, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_the_retry_decision_is_written_down_with_its_context_and_consequences() -> None:
    found = sections()
    for title in SECTIONS:
        assert title in found, f"{RECORD.name} has no `## {title}` section"
        assert len(found[title].split()) >= 30, f"`## {title}` says too little to decide on"


def test_the_decision_states_the_numbers_it_chose() -> None:
    decision = sections()["Decision"]
    for setting in ("CARRIER_TIMEOUT_SECONDS", "CARRIER_ATTEMPTS"):
        assert setting in decision, f"the Decision should say what {setting} is set to, and why"
