"""Tests of the rectification-notice pipeline (plain data → HTML → PDF), no Flask app."""
