"""The fast path of GraphQL queries: cached execution plans instead of graphql-core's
per-field execution, with the standard executor behind every case they do not cover
(`extension` says how it fits in, `plan` what a plan covers, `execute` how one runs)."""
