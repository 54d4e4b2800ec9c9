"""`workflow_dispatch` inputs checked against the workflow's `on.workflow_dispatch.inputs`,
with GitHub's messages. Pure: a spec and the caller's values in, the event's inputs out."""

from __future__ import annotations

from typing import Any


class InputError(ValueError):
    """Inputs GitHub would refuse (the message is GitHub's)."""


def declared(on: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The inputs a workflow's `on:` declares for `workflow_dispatch` (name -> spec)."""
    spec = on.get("workflow_dispatch")
    inputs = spec.get("inputs") if isinstance(spec, dict) else None
    if not isinstance(inputs, dict):
        return {}
    return {str(k): (v if isinstance(v, dict) else {}) for k, v in inputs.items()}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _checked(name: str, spec: dict[str, Any], value: Any) -> str:
    text = _text(value)
    kind = str(spec.get("type") or "string")
    if kind == "boolean" and text.lower() not in ("true", "false"):
        raise InputError(f"Provided value '{text}' for input '{name}' is not a valid boolean")
    if kind == "boolean":
        return text.lower()
    if kind == "choice" and text not in [_text(o) for o in spec.get("options") or []]:
        raise InputError(
            f"Provided value '{text}' for input '{name}' not in the list of allowed values"
        )
    if kind == "number":
        try:
            float(text)
        except ValueError:
            raise InputError(
                f"Provided value '{text}' for input '{name}' is not a valid number"
            ) from None
    return text


def resolve(spec: dict[str, dict[str, Any]], given: dict[str, Any]) -> dict[str, str]:
    """Every declared input with its value (given, else its default) as the event carries it:
    strings, booleans as "true"/"false"."""
    unknown = [name for name in given if name not in spec]
    if unknown:
        listed = ", ".join(f'"{name}"' for name in unknown)
        raise InputError(f"Unexpected inputs provided: [{listed}]")
    values: dict[str, str] = {}
    for name, options in spec.items():
        if name in given:
            values[name] = _checked(name, options, given[name])
        elif options.get("required") in (True, "true") and options.get("default") is None:
            raise InputError(f"Required input '{name}' not provided")
        elif options.get("default") is not None:
            values[name] = _checked(name, options, options["default"])
        elif options.get("type") == "boolean":
            values[name] = "false"
        else:
            values[name] = ""
    return values
