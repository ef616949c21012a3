"""Question answering over Swedish municipal decision papers, with cited, attributed quotes."""

__version__ = "0.1.0"
