"""One module per `classroom sandbox` command."""
