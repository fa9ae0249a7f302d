"""tidyreview: a biomedical review article as tidy, validated, linked datasets."""

__version__ = "0.1.0"
