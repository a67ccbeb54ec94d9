/**
 * The ingest worker's command line after its signal handlers are in place (`main.ts` installs them first, then
 * loads this module): health server, start-up, progress, summary.
 *
 * @module
 */
import { createLineLogger } from "@pipe/pipeline";
import { type IngestRun, type IngestSummary, startIngest } from "./app.ts";
import { HELP, type IngestConfig, parseConfig } from "./config.ts";
import { type HealthServer, startHealthServer, type WorkerPhase } from "./health-server.ts";
import { progressLine } from "./progress.ts";

/** Runs the CLI; `stop` aborts on the first SIGINT/SIGTERM. Resolves to the exit status. */
export async function runIngestCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  stop: AbortSignal,
): Promise<number> {
  let config: IngestConfig;
  try {
    config = parseConfig(argv, env);
  } catch (e) {
    process.stderr.write(`ingest-worker: ${(e as Error).message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const logger = createLineLogger({
    format: config.logFormat,
    write: (line) => process.stderr.write(`${line}\n`),
    fields: { app: "ingest-worker", run: config.runId },
  });
  const log = (line: string): void => {
    if (!config.quiet) logger.info(line);
  };
  const transport =
    config.redisUrl === undefined ? "in-memory feeds" : `Redis Streams (${config.streamPrefix}:*)`;
  const where =
    config.databaseUrl !== undefined
      ? `PostgreSQL schema "${config.schema}"`
      : `PGlite ${config.dataDir === "memory://" ? "in memory" : config.dataDir}`;
  log(
    `ingest-worker: feeds ${config.feeds.join(", ")} on ${transport}; store ${where}; concurrency ${config.concurrency}, ` +
      `retain ${config.retain}${config.poisonEvery > 0 ? `, poison every ${config.poisonEvery}` : ""}; run ${config.runId}`,
  );

  let phase: WorkerPhase = "starting";
  let run: IngestRun | undefined;
  const onStop = (): void => {
    if (phase === "stopped") return;
    phase = "stopping";
    log("ingest-worker: stopping (in-flight messages finish or roll back; Ctrl-C again to force)");
  };
  if (stop.aborted) onStop();
  else stop.addEventListener("abort", onStop, { once: true });

  let health: HealthServer | undefined;
  if (config.http) {
    try {
      health = await startHealthServer(
        {
          phase: () => phase,
          stats: () => run?.stats,
          feeds: () => run?.feeds.map((f) => f.stats) ?? [],
          uptimeSeconds: () => process.uptime(),
        },
        { host: config.host, port: config.port },
      );
    } catch (e) {
      logger.error(
        `ingest-worker: cannot serve health and metrics on ${config.host}:${config.port}: ${(e as Error).message}` +
          " (choose another --port, 0 for any free port, or --no-http)",
      );
      return 1;
    }
    log(`ingest-worker: health ${health.url}/healthz, metrics ${health.url}/metrics`);
  }

  try {
    run = await startIngest(config, {
      signal: stop,
      // Lost data is worth a line even under --quiet (at most one per reclaim batch, 10 ids each).
      warn: (line) => logger.warn(line),
      onRoundFailed: (failure, rollbackError) => {
        if (config.quiet) return;
        logger.warn(
          `  round failed: ${failure.code ?? "error"}: ${failure.message} -> rolled back` +
            `${rollbackError === undefined ? "" : ` (some compensations failed: ${rollbackError.message})`}`,
        );
      },
    });
  } catch (e) {
    logger.error(`ingest-worker: could not start: ${(e as Error).message}`);
    await health?.close();
    return 1;
  }
  if (phase === "starting") {
    phase = "running";
    log("ingest-worker: ready");
  }

  const started = run;
  let last = started.stats.processed;
  let lastAt = performance.now();
  const ticker = config.quiet
    ? undefined
    : setInterval(() => {
        const now = performance.now();
        log(progressLine(started.stats, started.feeds, now - started.startedAt, last, now - lastAt));
        last = started.stats.processed;
        lastAt = now;
      }, config.progressInterval);

  const summary = await started.done;
  phase = "stopped";
  if (ticker !== undefined) clearInterval(ticker);
  stop.removeEventListener("abort", onStop);
  process.stdout.write(config.json ? `${JSON.stringify(summary)}\n` : summaryText(summary));
  await health?.close();
  return summary.status === "failed" ? 1 : 0;
}

/** The human-readable summary (stdout). */
function summaryText(summary: IngestSummary): string {
  const s = summary.stats;
  const e = summary.effects;
  const c = s.compensations;
  return [
    `ingest-worker ${summary.status} after ${(summary.elapsedMs / 1000).toFixed(1)}s: ` +
      `${s.processed.toLocaleString("en-US")} messages (${summary.messagesPerSecond.toLocaleString("en-US")} msg/s), ` +
      `${s.duplicates} duplicates acknowledged, ${s.deadLettered} dead-lettered`,
    `  rounds ${s.rounds}, failed ${s.failures}; compensations run ${c.run} (compensating events ${c.compensatingEvents}, ` +
      `keys deleted ${c.keysDeleted}, leases released ${c.leasesReleased}), skipped ${c.skipped}, failed ${c.failed}`,
    ...summary.feeds.map(
      (f) =>
        `  feed ${f.name}: delivered ${f.delivered}, completed ${f.completed}, released ${f.released}, reclaimed ${f.reclaimed}, vanished ${f.vanished}, lag ${f.lag}`,
    ),
    `  store (${summary.store}, cumulative): ${e.keys} keys, ${e.once} exactly once, ${e.duplicated} duplicated, ` +
      `${e.undone} undone; outbox ${e.events} events + ${e.compensations} compensating; ${e.deadLetters} dead letters`,
    "",
  ].join("\n");
}
