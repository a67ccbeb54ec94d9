/**
 * @pipe/shards conformance: the service suite (service-suite.ts) over the PGlite store, in memory.
 */
import { PGliteShardRepository } from "@pipe/shards/pglite";
import { serviceSuite } from "./service-suite.ts";

serviceSuite({ name: "pglite", open: async () => (await PGliteShardRepository.open()).unwrap() });
