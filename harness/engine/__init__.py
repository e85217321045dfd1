"""Running one item: a scenario's steps sent as one IdP profile sends them, graded, cleaned up."""
