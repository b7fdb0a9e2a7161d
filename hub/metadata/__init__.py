"""The catalog as stored and served: indicators and their versions, units, codelists, areas,
agencies."""
