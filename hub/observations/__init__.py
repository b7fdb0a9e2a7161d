"""Observations: data points, their revisions and dimensions."""
