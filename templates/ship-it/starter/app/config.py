"""Where the database is (the rest is read where it is used)."""

DEFAULT_DATABASE_URL = "postgresql:///shipquote"
