"""The instructor dashboard: a static site built from the grades store."""
