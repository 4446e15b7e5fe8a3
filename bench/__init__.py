"""Benchmarks: scripts that print figures (run them as files: python bench/NAME.py)."""
