#!/usr/bin/env node
/**
 * The ingest worker's command line: `node dist/main.js --help`.
 *
 * @module
 */
import { startIngest } from "./app.ts";
import { HELP, type IngestConfig, parseConfig } from "./config.ts";
import { progressLine } from "./progress.ts";

let config: IngestConfig;
try {
  config = parseConfig(process.argv.slice(2), process.env);
} catch (e) {
  process.stderr.write(`ingest-worker: ${(e as Error).message}\nRun with --help for usage.\n`);
  process.exit(2);
}
if (config.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const log = (line: string): void => {
  if (!config.quiet) process.stderr.write(`${line}\n`);
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

let run: Awaited<ReturnType<typeof startIngest>>;
try {
  run = await startIngest(config, {
    onRoundFailed: (failure, rollbackError) => {
      if (config.quiet) return;
      const m = failure.metadata as { messageId?: unknown };
      log(
        `  round failed: ${failure.code ?? "error"}: ${failure.message}${m.messageId === undefined ? "" : ""}` +
          ` -> rolled back${rollbackError === undefined ? "" : ` (some compensations failed: ${rollbackError.message})`}`,
      );
    },
  });
} catch (e) {
  process.stderr.write(`ingest-worker: could not start: ${(e as Error).message}\n`);
  process.exit(1);
}

let signals = 0;
const onSignal = (): void => {
  signals++;
  if (signals > 1) process.exit(130);
  log("ingest-worker: stopping (in-flight messages finish or roll back; Ctrl-C again to force)");
  run.stop();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

let last = run.stats.processed;
let lastAt = performance.now();
const ticker = config.quiet
  ? undefined
  : setInterval(() => {
      const now = performance.now();
      log(progressLine(run.stats, run.feeds, now - run.startedAt, last, now - lastAt));
      last = run.stats.processed;
      lastAt = now;
    }, config.progressInterval);

const summary = await run.done;
if (ticker !== undefined) clearInterval(ticker);
if (config.json) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  const s = summary.stats;
  const e = summary.effects;
  const c = s.compensations;
  process.stdout.write(
    [
      `ingest-worker ${summary.status} after ${(summary.elapsedMs / 1000).toFixed(1)}s: ` +
        `${s.processed.toLocaleString("en-US")} messages (${summary.messagesPerSecond.toLocaleString("en-US")} msg/s), ` +
        `${s.duplicates} duplicates acknowledged, ${s.deadLettered} dead-lettered`,
      `  rounds ${s.rounds}, failed ${s.failures}; compensations run ${c.run} (compensating events ${c.compensatingEvents}, ` +
        `keys deleted ${c.keysDeleted}, leases released ${c.leasesReleased}), skipped ${c.skipped}, failed ${c.failed}`,
      ...summary.feeds.map(
        (f) =>
          `  feed ${f.name}: delivered ${f.delivered}, completed ${f.completed}, released ${f.released}, reclaimed ${f.reclaimed}, lag ${f.lag}`,
      ),
      `  store (${summary.store}, cumulative): ${e.keys} keys, ${e.once} exactly once, ${e.duplicated} duplicated, ` +
        `${e.undone} undone; outbox ${e.events} events + ${e.compensations} compensating; ${e.deadLetters} dead letters`,
      "",
    ].join("\n"),
  );
}
process.exit(summary.status === "failed" ? 1 : 0);
