"""One HTTP round trip to the target: authenticated, bounded, recorded and redacted."""
