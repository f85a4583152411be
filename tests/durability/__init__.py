"""Durability and scale tests with real processes (issue 6)."""
