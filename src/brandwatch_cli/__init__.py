"""brandwatch-cli: hear every mention of a brand in feeds, store it once, score it, report it."""

__version__ = "0.1.0"
