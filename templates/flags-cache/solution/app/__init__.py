"""Flagpole: the feature-flag service every other service asks before it shows a feature."""
