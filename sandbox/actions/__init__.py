"""Workflow runs: trigger filters, event payloads, the act runner and its stand-in actions."""
