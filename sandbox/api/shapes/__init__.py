"""Records in the shape of GitHub's JSON bodies; every URL is built on the request's own base."""
