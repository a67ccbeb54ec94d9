import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The fan-in soak test measures the heap after a real GC, so the workers expose `gc()`.
export default mergeConfig(shared, defineConfig({ test: { execArgv: ["--expose-gc"] } }));
