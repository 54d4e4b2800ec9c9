"""Bank statement uploads: the CSV format Tally accepts, read into what the ledger needs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

HEADER = ["date", "description", "amount"]
# A signed amount with at most two decimals: 12, -3.5, 1204.99
AMOUNT = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$")


class StatementError(ValueError):
    """The upload is not a statement Tally can import: the message names the line."""


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no answer changes)
class Statement:
    lines: int
    total_cents: int


def cents(amount: str) -> int:
    """'-12.5' -> -1250, exactly (no float on the way)."""
    negative = amount.startswith("-")
    whole, _, fraction = amount.lstrip("-").partition(".")
    value = int(whole) * 100 + int(fraction.ljust(2, "0"))
    return -value if negative else value


def read_statement(text: str) -> Statement:
    """The number of transactions and their sum; StatementError naming the first bad line."""
    try:
        return _read(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise StatementError(f"not a CSV file: {exc}") from None


def _read(rows: Iterator[list[str]]) -> Statement:
    header = next(rows, None)
    if header is None or [name.strip().lower() for name in header] != HEADER:
        raise StatementError("line 1: the header must be `date,description,amount`")
    lines = total = 0
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != len(HEADER):
            raise StatementError(f"line {number}: expected 3 fields, found {len(row)}")
        date, _description, amount = (field.strip() for field in row)
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise StatementError(f"line {number}: {date!r} is not a date (YYYY-MM-DD)") from None
        if not AMOUNT.match(amount):
            raise StatementError(
                f"line {number}: {amount!r} is not an amount (at most two decimals)"
            )
        lines += 1
        total += cents(amount)
    if lines == 0:
        raise StatementError("the statement holds no transactions")
    return Statement(lines=lines, total_cents=total)
