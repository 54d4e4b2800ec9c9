"""The events Paystream sends: every payment event carries the payment as it is now."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PAYMENT_EVENTS = frozenset({"payment.succeeded", "payment.failed", "payment.refunded"})


class PaymentObject(BaseModel):
    """A payment's snapshot, as Paystream saw it when it created the event."""

    id: str = Field(min_length=1, max_length=100)
    amount: int = Field(ge=0)
    currency: str = Field(pattern=r"^[a-z]{3}$")
    status: Literal["succeeded", "failed", "refunded"]
    amount_refunded: int = Field(ge=0)
    paid_at: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PaymentObject:
        if self.amount_refunded > self.amount:
            raise ValueError("amount_refunded exceeds amount")
        return self

    @property
    def paid_at_utc(self) -> dt.datetime | None:
        if self.paid_at is None:
            return None
        return dt.datetime.fromtimestamp(self.paid_at, dt.UTC)


class Event(BaseModel):
    """One delivery's body. Unknown fields are Paystream's to add: they are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=100)
    type: str = Field(min_length=1)
    created: int
    data: dict[str, Any]

    @property
    def created_utc(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.created, dt.UTC)

    def payment(self) -> PaymentObject | None:
        """The payment this event is about (None for the event types this service ignores)."""
        if self.type not in PAYMENT_EVENTS:
            return None
        return PaymentObject.model_validate(self.data.get("object"))


def parse_event(body: bytes) -> Event:
    """The event in `body`; ValueError naming what is wrong with it."""
    try:
        event = Event.model_validate_json(body)
        event.payment()
    except ValidationError as exc:
        first = exc.errors()[0]
        # The message's wording: no client reads more than the 400.
        where = ".".join(str(part) for part in first["loc"]) or "body"  # pragma: no mutate
        raise ValueError(f"{where}: {first['msg']}") from None
    return event
