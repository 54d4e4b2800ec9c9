"""Paystream webhook ingest: receives payment events, keeps payments and revenue current."""
