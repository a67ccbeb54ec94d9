/**
 * Shared vitest settings for every workspace package.
 *
 * Unit tests run on source: the `@pipe/source` export condition maps each workspace
 * package to its `src/index.ts`, so a change is tested without a build. What users
 * install (`dist/`) is exercised by the conformance suite.
 */
import { defineConfig } from "vitest/config";

const conditions = ["@pipe/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["@pipe/source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    // Type-level tests (`expectTypeOf`) in test/**/*.test-d.ts are checked by tsc with the package's tsconfig
    // and reported as tests; they fail when an inferred type changes.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // Generous, because CI runs on 2 shared cores and the apps' tests boot PGlite (WebAssembly) and child
    // processes; a real hang still fails. Behaviour under test uses virtual time, never these clocks.
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
