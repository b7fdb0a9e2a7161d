// The bench's peer: PostGraphile 5 over the `peer` schema's views (schema.sql) of the hub's
// tables, with pg-aggregates (Q3) and the connection filter (ranges of Q2).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PgAggregatesPreset } from "@graphile/pg-aggregates";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgAggregatesPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.BENCH_PEER_DATABASE_URL,
      schemas: ["peer"],
      poolConfig: { max: 16 },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.BENCH_PEER_PORT || 5678),
    graphqlPath: "/graphql",
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;
