"""Grade rankings, exports, reviews, public page, synthetic data."""
