"""The instructor's side: course config, roster, publish, provision, collect, lock, dashboard."""
