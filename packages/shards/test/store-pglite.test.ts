import { PGlite } from "@electric-sql/pglite";
import { afterAll } from "vitest";
import { PGliteShardRepository } from "../src/pglite/index.ts";
import { repositoryContract } from "./contract.ts";

// One engine (starting PGlite takes ~1 s), one fresh schema per test.
let engine: Promise<PGlite> | undefined;
let n = 0;

repositoryContract({
  name: "pglite",
  open: async () => {
    engine ??= PGlite.create();
    return (await PGliteShardRepository.open({ pglite: await engine, schema: `contract_${n++}` })).unwrap();
  },
});

afterAll(async () => {
  await (await engine)?.close();
});
