"""Batch Studio: batch image and video generation through the Atlas Cloud API."""

__version__ = "0.1.0"
PRODUCT = "BatchStudio"
