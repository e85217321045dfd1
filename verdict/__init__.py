"""The vocabulary of a run, shared by the harness that writes it and the reports that read it.

Events, outcomes and their one precedence, check levels, the run status and the exit codes live
here and nowhere else, so every output (terminal, `index.html`, `report.html`, `junit.xml`,
`--json`, exit code) states the same verdict. This package imports nothing of the project.
"""
