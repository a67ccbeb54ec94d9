import type { Feed } from "./feed.ts";
import type { WorkerStats } from "./stats.ts";

const n = (x: number): string => Math.round(x).toLocaleString("en-US");

/**
 * Renders one progress line: elapsed time, messages committed and their rate since the last line, duplicates,
 * dead letters, failed rounds, compensations run (and skipped), and the lag of each feed.
 *
 * @example
 * ```ts
 * import { createStats, progressLine } from "@pipe/app-ingest-worker";
 * console.log(progressLine(createStats(), [], 1000, 0, 1000));
 * ```
 */
export function progressLine(
  stats: WorkerStats,
  feeds: readonly Feed[],
  elapsedMs: number,
  processedBefore: number,
  intervalMs: number,
): string {
  const rate = ((stats.processed - processedBefore) / Math.max(1, intervalMs)) * 1000;
  const c = stats.compensations;
  const lag = feeds.map((f) => `${f.name}=${n(f.stats.lag)}`).join(" ");
  const vanished = feeds.reduce((sum, f) => sum + f.stats.vanished, 0);
  return (
    `ingest ${(elapsedMs / 1000).toFixed(1)}s  processed ${n(stats.processed)}  ${n(rate)} msg/s  ` +
    `dup ${n(stats.duplicates)}  dead ${n(stats.deadLettered)}  failures ${n(stats.failures)}  ` +
    `compensations ${n(c.run)}${c.skipped > 0 ? ` (skipped ${n(c.skipped)})` : ""}${c.failed > 0 ? ` failed ${n(c.failed)}` : ""}  ` +
    `lag ${lag}${vanished > 0 ? `  vanished ${n(vanished)}` : ""}`
  );
}
