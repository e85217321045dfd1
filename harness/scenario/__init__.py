"""The scenario language: files, their model, variables, pointers and comparators."""
