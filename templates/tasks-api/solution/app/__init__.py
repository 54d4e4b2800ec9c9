"""Tasks API: a small task tracker with JWT auth, keyset pagination and rate limits."""
