"""The pytest plugin: scenario x profile items, the run's lifecycle, results and terminal output."""
