"""oligoboard: decision support for oligometastatic NSCLC, every answer traceable to its source."""

__version__ = "0.1.0"
