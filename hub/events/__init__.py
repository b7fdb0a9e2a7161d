"""Data changes: the data version every committed write bumps, and the events it publishes."""
