/**
 * Deno bootstrap: `deno run --allow-all --no-lock src/deno.ts [--port 8787] [--help]`.
 */
import { announce, openControlPlane } from "./app.ts";
import { HELP, parseServerArgs } from "./config.ts";
import { controlPlaneLog } from "./log.ts";
import { serveWhileLoading } from "./serve-while-loading.ts";

interface DenoServer {
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}
declare const Deno: {
  readonly args: readonly string[];
  readonly version: { readonly deno: string };
  env: { toObject(): Record<string, string> };
  exit(code: number): never;
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { port: number; hostname: string }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoServer;
};

const defaultDataDir = decodeURIComponent(new URL("../.data/shards", import.meta.url).pathname);

let parsed: ReturnType<typeof parseServerArgs>;
try {
  parsed = parseServerArgs(Deno.args, Deno.env.toObject(), defaultDataDir);
} catch (e) {
  console.error((e as Error).message);
  Deno.exit(2);
}
if (parsed.help) {
  console.log(HELP);
  Deno.exit(0);
}
const { config } = parsed;
const log = controlPlaneLog(config.logFormat, console.log, console.error);
// Listen at once (health probes see "loading"), then load the store and its read view.
const serving = serveWhileLoading(openControlPlane(config, (line) => console.log(line)));
let port = config.port;
const server = Deno.serve(
  {
    port: config.port,
    hostname: config.host,
    onListen: (addr) => {
      port = addr.port;
    },
  },
  serving.fetch,
);
// Signals are handled from here on, also while loading (the store is closed once it has opened).
let stopping = false;
const shutdown = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down (finishing in-flight requests, closing watchers and the store)…`);
  // Stop accepting first (Deno closes idle keep-alive connections, and each busy one after its response), then
  // end the watch streams with a retry hint: clients reconnect over new connections, to the next instance.
  const down = server.shutdown();
  serving.closeWatchers();
  await down;
  await serving.close();
  log.info("stopped");
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", () => void shutdown("SIGINT"));
Deno.addSignalListener("SIGTERM", () => void shutdown("SIGTERM"));
const cp = await serving.ready.catch(async (e: unknown) => {
  await server.shutdown();
  log.error(e instanceof Error ? e.message : String(e));
  Deno.exit(1);
});
const host = config.host.includes(":") ? `[${config.host}]` : config.host;
// A signal during loading is already stopping the server: it never announces itself as listening.
if (!stopping) announce(log, cp, `http://${host}:${port}`, `Deno ${Deno.version.deno}`);
