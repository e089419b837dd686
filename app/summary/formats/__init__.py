"""Export formats: one module per format, and their registry (registry.py)."""
