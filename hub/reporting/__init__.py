"""Reporting regimes, obligations, reports and their workflow."""
