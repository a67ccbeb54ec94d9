#!/usr/bin/env node
/**
 * Node bootstrap: `node dist/node.js [--port 8787] [--help]`.
 */
import { fileURLToPath } from "node:url";
import { announce, openControlPlane } from "./app.ts";
import { HELP, parseServerArgs } from "./config.ts";
import { controlPlaneLog } from "./log.ts";
import { accountBodiesInHeapLimit } from "./node-heap.ts";
import { startNodeServer } from "./node-server.ts";
import { serveWhileLoading } from "./serve-while-loading.ts";

const defaultDataDir = fileURLToPath(new URL("../.data/shards", import.meta.url));

async function main(): Promise<void> {
  accountBodiesInHeapLimit();
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
  const log = controlPlaneLog(config.logFormat, console.log, console.error);
  // Listen at once (health probes see "loading"), then load the store and its read view. A signal during
  // loading stops the server and closes the store once it has opened.
  const serving = serveWhileLoading(openControlPlane(config, (line) => console.log(line)));
  const server = await startNodeServer(serving, config.port, config.host);
  // `on`, not `once`: the listeners stay registered while shutting down, so signal-exit (which the data
  // directory lock loads) sees a handler and does not re-raise the signal to kill the process.
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down (finishing in-flight requests, closing watchers and the store)…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (e: unknown) => {
        log.error(String(e));
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  let cp: Awaited<typeof serving.ready>;
  try {
    cp = await serving.ready;
  } catch (e) {
    await server.stop().catch(() => undefined);
    throw e;
  }
  // A signal during loading is already stopping the server: it never announces itself as listening.
  if (!stopping) announce(log, cp, server.url, `Node ${process.versions.node}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
