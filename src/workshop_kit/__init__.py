"""workshop-kit: YAML content to print-ready workshop material."""

__version__ = "0.1.0"
