"""sentiment.french."""
