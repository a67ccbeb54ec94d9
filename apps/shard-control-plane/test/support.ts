import { type ControlPlane, openControlPlane } from "../src/app.ts";
import type { ServerConfig } from "../src/config.ts";

export const OPERATOR = "test-operator-token-0123456789";
export const READER = "test-reader-token-0123456789";

export function config(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    dataDir: "memory://",
    databaseUrl: undefined,
    schema: "public",
    operatorToken: OPERATOR,
    readToken: READER,
    seed: true,
    heartbeatMs: 15_000,
    quiet: true,
    ...extra,
  };
}

export const open = (extra: Partial<ServerConfig> = {}): Promise<ControlPlane> =>
  openControlPlane(config(extra));
