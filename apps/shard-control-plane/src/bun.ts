/**
 * Bun bootstrap: `bun src/bun.ts [--port 8787] [--help]`.
 */
import { announce, openControlPlane } from "./app.ts";
import { HELP, parseServerArgs } from "./config.ts";
import { controlPlaneLog } from "./log.ts";
import { serveWhileLoading } from "./serve-while-loading.ts";

interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void>;
}
declare const Bun: {
  readonly version: string;
  serve(options: {
    port: number;
    hostname: string;
    idleTimeout?: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): BunServer;
};

const defaultDataDir = decodeURIComponent(new URL("../.data/shards", import.meta.url).pathname);

let parsed: ReturnType<typeof parseServerArgs>;
try {
  parsed = parseServerArgs(process.argv.slice(2), process.env, defaultDataDir);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
if (parsed.help) {
  console.log(HELP);
  process.exit(0);
}
const { config } = parsed;
const log = controlPlaneLog(config.logFormat, console.log, console.error);
// Listen at once (health probes see "loading"), then load the store and its read view.
const serving = serveWhileLoading(openControlPlane(config, (line) => console.log(line)));
// idleTimeout 0: watch streams are long-lived (heartbeats keep them busy anyway).
const server = Bun.serve({ port: config.port, hostname: config.host, idleTimeout: 0, fetch: serving.fetch });
// Signals are handled from here on, also while loading (the store is closed once it has opened); `on`, not
// `once`, so the data-directory lock's signal-exit hook sees a listener and does not re-raise the signal.
let stopping = false;
const shutdown = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down (finishing in-flight requests, closing watchers and the store)…`);
  // Stop accepting first, then end the watch streams with a retry hint: clients reconnect over new
  // connections, to the next instance.
  const stopped = server.stop(false);
  serving.closeWatchers();
  await stopped;
  await serving.close();
  log.info("stopped");
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
const cp = await serving.ready.catch(async (e: unknown) => {
  await server.stop(true);
  log.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
const host = config.host.includes(":") ? `[${config.host}]` : config.host;
// A signal during loading is already stopping the server: it never announces itself as listening.
if (!stopping) announce(log, cp, `http://${host}:${server.port}`, `Bun ${Bun.version}`);
