"""gongshi: records in content/ -> a static law-enforcement disclosure site."""

__version__ = "0.1.0"
