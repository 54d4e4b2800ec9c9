"""The sandbox's git side: bare repositories, the pre-receive hook and its push rules,
pull-request refs, and the one way the API moves a branch."""
