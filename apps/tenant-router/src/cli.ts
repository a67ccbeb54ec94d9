import { randomBytes } from "node:crypto";
import { createLineLogger } from "@pipe/pipeline";
import { createAdminApp } from "./admin.ts";
import { TenantRouterApp } from "./app.ts";
import { type Config, HELP, parseConfig } from "./config.ts";
import { createDemoScript, DEMO, type DemoPlan, type DemoScript, demoPlan } from "./demo.ts";
import { generateEnvelopes } from "./generator.ts";
import type { Ingress } from "./ingress.ts";
import { createMemoryIngress } from "./memory-ingress.ts";
import { connectRedis, createRedisIngress, produceToRedis } from "./redis-ingress.ts";
import { startAdminServer } from "./server.ts";
import { type LedgerStore, openStore } from "./store.ts";
import { formatSummary } from "./summary-text.ts";
import { LiveView, type ViewOutput } from "./view.ts";

/** Streams and process hooks the CLI uses (tests pass their own). */
export interface CliIo {
  readonly stdout: ViewOutput;
  readonly stderr: ViewOutput;
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe function. */
  readonly onSignal?: ((stop: (signal: string) => void) => () => void) | undefined;
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number> {
  let config: Config;
  try {
    config = parseConfig(argv, env);
  } catch (e) {
    io.stderr.write(`tenant-router: ${(e as Error).message}\nTry --help.\n`);
    return 2;
  }
  if (config.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const human = config.json ? io.stderr : io.stdout;
  const logger = (out: ViewOutput) =>
    createLineLogger({
      format: config.logFormat,
      write: (line) => void out.write(`${line}\n`),
      fields: { app: "tenant-router" },
    });
  const progress = logger(human);
  const failures = logger(io.stderr);
  let view: LiveView | undefined;
  const log = (line: string): void => (view !== undefined ? view.log(line) : progress.info(line));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const plan: DemoPlan | undefined = config.demo ? demoPlan(config.rate, config.seconds) : undefined;
  const stop = new AbortController();
  // The admin URL is known only once the server listens, after the ingress exists. The in-memory feed starts
  // later, but the Redis producer starts at once: until the script exists, its gate holds the feed.
  let script: DemoScript | undefined;
  let scriptReady!: () => void;
  const ready = new Promise<void>((resolve) => (scriptReady = resolve));
  stop.signal.addEventListener("abort", () => scriptReady());
  const gate =
    plan === undefined
      ? undefined
      : (fed: number): Promise<void> | undefined =>
          script !== undefined ? script.gate(fed) : ready.then(() => script?.gate(fed));
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse())
      await Promise.resolve()
        .then(c)
        .catch(() => undefined);
  };
  try {
    log(`tenant-router${config.demo ? " demo" : ""}: run ${runId}`);
    let store: LedgerStore;
    try {
      store = await openStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        schema: config.schema,
      });
    } catch (e) {
      failures.error(`tenant-router: cannot open the store: ${(e as Error).message}`);
      return 1;
    }
    cleanups.push(() => store.close());
    log(
      store.kind === "postgres"
        ? `store: PostgreSQL (DATABASE_URL), schema ${config.schema}`
        : `store: PGlite at ${config.dataDir}, schema ${config.schema} (set DATABASE_URL for PostgreSQL)`,
    );
    const traffic = plan?.traffic ?? config.tenants;
    const count = plan?.count ?? config.messages;
    let ingress: Ingress;
    if (config.redisUrl !== undefined) {
      const stream = config.demo ? `tenant-router:demo:${runId}` : config.stream;
      let produced: Promise<unknown> | undefined;
      let producerDone = !config.demo;
      try {
        ingress = await createRedisIngress({
          url: config.redisUrl,
          stream,
          group: config.group,
          consumer: config.consumer,
          stopWhenIdle: () => producerDone && (config.demo || config.exitWhenIdle),
        });
      } catch (e) {
        failures.error(`tenant-router: cannot reach Redis at ${config.redisUrl}: ${(e as Error).message}`);
        await cleanup();
        return 1;
      }
      log(`ingress: Redis stream ${stream}, group ${config.group}, consumer ${config.consumer} (REDIS_URL)`);
      if (config.demo) {
        const url = config.redisUrl;
        log(`demo: producing ${count} envelopes into ${stream} at ${config.rate}/s`);
        produced = produceToRedis({
          url,
          stream,
          envelopes: generateEnvelopes({ tenants: traffic, count, runId }),
          ratePerSecond: config.rate,
          signal: stop.signal,
          gate,
        }).finally(() => {
          producerDone = true;
        });
        cleanups.push(async () => {
          await produced?.catch(() => undefined);
          const redis = await connectRedis(url);
          await redis.del(stream);
          await redis.close();
        });
      }
    } else {
      ingress = createMemoryIngress({
        envelopes: generateEnvelopes({ tenants: traffic, count, runId }),
        ratePerSecond: config.rate,
        gate,
      });
      log(
        `ingress: in-memory generator, ${count} envelopes over ${traffic.join(",")}` +
          `${config.rate > 0 ? ` at ${config.rate}/s` : ", as fast as possible"} (set REDIS_URL for a Redis stream)`,
      );
    }
    cleanups.push(() => ingress.close());
    const app = new TenantRouterApp({
      store,
      ingress,
      tenants: plan?.tenants ?? config.tenants,
      tenantOptions: plan?.tenantOptions,
      faults: plan?.faults,
      capacity: config.capacity,
      overflow: config.overflow,
      unknownTenant: config.unknownTenant,
      failureMode: config.failureMode,
      isolateRollback: config.rollback,
      retry: plan?.retry,
      signal: stop.signal,
    });
    const admin = await startAdminServer(
      createAdminApp(app, config.adminToken),
      config.host,
      config.port,
      config.demo,
    );
    cleanups.push(() => admin.close());
    log(`admin: ${admin.url}  (GET /metrics open; /admin/* needs the bearer token)`);
    log(
      `  token: ${config.adminTokenGenerated ? `${config.adminToken}  (generated; set ADMIN_TOKEN to fix it)` : "(from ADMIN_TOKEN / --admin-token)"}`,
    );
    log(`  curl -H "Authorization: Bearer $TOKEN" ${admin.url}/admin/tenants`);
    log(
      `  curl -X POST -H "Authorization: Bearer $TOKEN" -d '{"tenantId":"newco"}' ${admin.url}/admin/tenants`,
    );
    log(`  curl ${admin.url}/metrics`);
    if (plan !== undefined)
      log(
        `demo: ${DEMO.failing} fails from its envelope #${DEMO.failFrom} (isolate: rollback + restart, then parked); ` +
          `${DEMO.slow} takes ${DEMO.slowMs} ms per envelope (capacity ${DEMO.slowCapacity}, deadLetter overflow); ` +
          `${DEMO.late} is added and ${DEMO.removed} removed through the admin API`,
      );
    const unsubscribe = io.onSignal?.((signal) => {
      log(`${signal}: stopping (accepted envelopes are dead-lettered or left pending for redelivery)`);
      stop.abort(new Error(signal));
    });
    if (unsubscribe !== undefined) cleanups.push(unsubscribe);
    if (config.duration > 0) {
      const timer = setTimeout(() => stop.abort(new Error("duration reached")), config.duration * 1000);
      cleanups.push(() => clearTimeout(timer));
    }
    if (config.view && config.logFormat === "text") {
      view = new LiveView(app, human);
      view.start();
    }
    if (plan !== undefined)
      script = createDemoScript(
        { url: admin.url, token: config.adminToken },
        plan.count,
        // The router took everything fed so far: read from the source, and nothing left in the ingress buffer.
        (fed) => ingress.stats.read >= fed && ingress.reader.count === 0,
        log,
        stop.signal,
      );
    scriptReady();
    const summary = await app.run();
    stop.abort(new Error("run ended"));
    await script?.done;
    view?.stop();
    view = undefined;
    await cleanup();
    cleanups.length = 0;
    if (config.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else if (config.logFormat === "json") progress.info("tenant-router: run summary", { summary });
    else human.write(formatSummary(summary));
    return summary.healthy ? 0 : 1;
  } catch (e) {
    failures.error(`tenant-router: ${(e as Error).stack ?? String(e)}`);
    return 1;
  } finally {
    if (!stop.signal.aborted) stop.abort(new Error("cli exiting")); // releases a held demo feed
    view?.stop();
    await cleanup();
  }
}
