"""Maintenance scripts (run them as files: python scripts/NAME.py)."""
