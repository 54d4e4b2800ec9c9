"""A local stand-in for GitHub: REST subset, git over HTTP, workflow runs through act."""
