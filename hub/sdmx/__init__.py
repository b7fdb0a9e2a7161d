"""SDMX: the regime dataflows' structure (`structure`), SDMX REST 2.1 routes and formats."""
