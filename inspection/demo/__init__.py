"""Demo data for a realistic first run. Every record is marked as demo data."""
