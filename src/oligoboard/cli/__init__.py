"""The command line: `cli.main` builds the app, one module per command imports only what it needs."""
