#!/usr/bin/env node
/**
 * Node bootstrap: `node dist/node.js [--port 8787] [--help]`.
 */
import { fileURLToPath } from "node:url";
import { banner, openControlPlane, serveWhileLoading } from "./app.ts";
import { HELP, parseServerArgs } from "./config.ts";
import { startNodeServer } from "./node-server.ts";

const defaultDataDir = fileURLToPath(new URL("../.data/shards", import.meta.url));

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseServerArgs>;
  try {
    parsed = parseServerArgs(process.argv.slice(2), process.env, defaultDataDir);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(HELP);
    return;
  }
  const { config } = parsed;
  // Listen at once (health probes see "loading"), then load the store and its read view. A signal during
  // loading stops the server and closes the store once it has opened.
  const serving = serveWhileLoading(openControlPlane(config, (line) => console.log(line)));
  const server = await startNodeServer(serving, config.port, config.host);
  const shutdown = (signal: string): void => {
    console.log(`${signal}: shutting down (finishing in-flight requests, closing watchers and the store)…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.stop().then(
      () => {
        console.log("stopped");
        process.exit(0);
      },
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  let cp: Awaited<typeof serving.ready>;
  try {
    cp = await serving.ready;
  } catch (e) {
    await server.stop().catch(() => undefined);
    throw e;
  }
  console.log(banner(cp, server.url, `Node ${process.versions.node}`));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
