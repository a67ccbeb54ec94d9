/**
 * Unit tests of the conformance harness and runner themselves (`test/`); the conformance suite in `tests/`
 * runs on its own harness through `src/run-all.mjs`, never under vitest.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["test/**/*.test.ts"] } });
