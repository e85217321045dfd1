"""The `scimcert` command: its subcommands, their options and the settings they read."""
