"""One module per benchmarked system; each runs as `python -m benchmarks.systems.<name>`."""
