"""One module per `classroom` instructor command; each holds a function returning an exit code."""
