"""Safe text for learners' eyes: markdown that cannot turn into HTML, links or pings, code
spans and fences learner text cannot close, output clipped to a size a page can hold.

Everything a learner controls (messages, file and test names, tool output) reaches a page
through one of these escapers; `Md` marks text that already has.
"""

from __future__ import annotations

import re

__all__ = [
    "MINUS",
    "TIMES",
    "Md",
    "clean",
    "clip",
    "code_span",
    "fenced",
    "md_inline",
    "one_line",
    "place",
    "plain",
    "pts",
]

TIMES, MINUS = "\u00d7", "\u2212"  # x and - as a typesetter writes them


class Md(str):
    """Text already safe to place in markdown as-is."""

    __slots__ = ()


# --- safe text --------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
_MD_PUNCT = re.compile(r"[\\`*_\[\]|~#$]")
_ZWSP = "\u200b"


def clean(text: str) -> str:
    """`text` without ANSI colours, control or bidi characters; newlines normalised to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _INVISIBLE.sub("", _ANSI.sub("", text))


def one_line(text: str, limit: int) -> str:
    """`text` flattened to one clean line of at most `limit` characters, with … if cut."""
    flat = " ".join(clean(text[: limit * 4 + 64]).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def md_inline(text: str, limit: int = 300) -> Md:
    """`text` as one line of inert markdown: no HTML, links, mentions, emphasis or cell breaks."""
    flat = _MD_PUNCT.sub(r"\\\g<0>", one_line(text, limit))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = re.sub(r"@(?=\w)", "@" + _ZWSP, flat)  # no @mention pings
    flat = re.sub(r"(?<=#)(?=\d)", _ZWSP, flat)  # no cross-references to issues
    flat = re.sub(r"(?i):(?=//)", ":" + _ZWSP, flat)  # no autolinked URLs
    return Md(re.sub(r"(?i)\bwww\.", "www" + _ZWSP + ".", flat))


def instructor_inline(text: str, limit: int = 300) -> Md:
    """Instructor-written text (a hint, a goal's why): inert like `md_inline`, but `code` shows."""
    parts = re.split(r"(?<!`)`([^`]+)`(?!`)", one_line(text, limit))
    return Md(
        "".join(
            code_span(part) if i % 2 else _inline_keeping_spaces(part, limit)
            for i, part in enumerate(parts)
        )
    )


def _inline_keeping_spaces(text: str, limit: int) -> str:
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + md_inline(text, limit) + trail if text.strip() else lead


def code_span(text: str, limit: int = 120, *, in_table: bool = False) -> Md:
    """`text` as an inline code span whose delimiter no backtick run inside can close."""
    flat = one_line(text, limit) or "(empty)"
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    span = f"{fence}{pad}{flat}{pad}{fence}"
    return Md(span.replace("|", "\\|") if in_table else span)


def _clip_line(line: str, max_bytes: int) -> str:
    data = line.encode("utf-8")
    if len(data) <= max_bytes:
        return line
    kept = data[:max_bytes].decode("utf-8", "ignore")
    return f"{kept} … ({len(data) - max_bytes:,} bytes truncated)"


def _take(lines: list[str], max_lines: int, max_bytes: int) -> list[str]:
    taken: list[str] = []
    used = 0
    for line in lines[:max_lines]:
        used += len(line.encode("utf-8")) + 1
        if used > max_bytes and taken:
            break
        taken.append(line)
    return taken


def clip(text: str, *, max_lines: int, max_bytes: int) -> str:
    """At most `max_lines` lines and about `max_bytes` UTF-8 bytes of `text`: the head and the
    (usually more telling) tail, with a visible note saying how much was left out."""
    lines = [_clip_line(line, max(80, max_bytes // 3)) for line in text.split("\n")]
    if len(lines) <= max_lines and sum(len(line.encode()) + 1 for line in lines) <= max_bytes:
        return "\n".join(lines)
    head = _take(lines, max(1, max_lines // 3), max_bytes // 3)
    rest = lines[len(head) :]
    budget = max_bytes - sum(len(line.encode()) + 1 for line in head)
    tail = _take(rest[::-1], max(1, max_lines - len(head) - 1), budget)[::-1]
    dropped = rest[: len(rest) - len(tail)]
    size = sum(len(line.encode()) + 1 for line in dropped)
    note = f"… {len(dropped):,} lines ({size:,} bytes) truncated …"
    return "\n".join([*head, note, *tail])


def fenced(text: str, *, max_lines: int = 40, max_bytes: int = 4000) -> Md:
    """`text` in a fenced code block it cannot close, clipped by bytes and lines."""
    body = clip(clean(text).expandtabs(4).strip("\n"), max_lines=max_lines, max_bytes=max_bytes)
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    return Md(f"{fence}text\n{body}\n{fence}")


def plain(text: str, limit: int = 300) -> Md:
    """`text` as one safe line for a terminal: no escape sequences or control characters."""
    return Md(one_line(text, limit))


# --- numbers and places, as a person writes them ------------------------------------------------


def pts(value: float) -> str:
    """Points as a person writes them: 7, 7.5, 0.25."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def place(file: str, line: int) -> str:
    """`file:line`, long paths shortened from the left so the file name and line survive."""
    where = f"{file}:{line}"
    return where if len(where) <= 90 else "…" + where[-89:]
