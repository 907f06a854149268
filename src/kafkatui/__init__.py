"""kafkatui: a terminal dashboard for Apache Kafka."""

__version__ = "0.1.0"
