/**
 * `shards watch`: follows the watch stream across server restarts. A stream that ends or breaks, a refused
 * connection and a 5xx/408/429 answer are retried with exponential backoff, resuming after the last position
 * printed (`Last-Event-ID`), until a deadline or an attempt cap; then the command fails with a message saying
 * how to resume. Other 4xx answers (bad token, bad filter) fail at once.
 */
import { sseEvents } from "./sse-events.ts";

/** How `watch` reconnects. */
export interface ReconnectPolicy {
  /** Consecutive failed attempts before giving up (default 30). */
  readonly maxAttempts: number;
  /** Longest time without a connection before giving up, in ms (default 120,000). */
  readonly deadlineMs: number;
  /** First delay when the server sent no `retry:` hint, in ms (default 1,000). */
  readonly initialDelayMs: number;
  /** Longest delay between attempts, in ms (default 10,000). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  maxAttempts: 30,
  deadlineMs: 120_000,
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
};

/** What {@link followWatch} needs from the CLI. */
export interface FollowOptions {
  /** Sends a request (the CLI adds the token); throws when the server cannot be reached. */
  readonly send: (path: string, headers: Record<string, string>, signal?: AbortSignal) => Promise<Response>;
  /** Path and query of the first request (filters and `resumeToken`). */
  readonly path: string;
  /** Position to resume after when the first connection breaks before any event (the `--from` value). */
  readonly from: number | undefined;
  /** Stop after this many events (undefined: follow until stopped). */
  readonly count: number | undefined;
  readonly policy: ReconnectPolicy;
  /** Prints one change. */
  readonly onDiff: (diff: { position: number }) => void;
  /** Progress and give-up messages (stderr). */
  readonly note: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
  /** Waits `ms` (settles early when `signal` aborts; what it resolves to is ignored). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<unknown>;
  /** Milliseconds on a monotonic clock. */
  readonly now: () => number;
}

/** How a watch ended: `ok` (count reached or stopped), `failed` (the server refused), `gave-up`. */
export type FollowOutcome =
  | { readonly kind: "ok" }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "gave-up"; readonly message: string };

interface Attempt {
  /** Why the connection ended, or a final outcome. */
  readonly end: string | FollowOutcome;
  readonly retryAfterMs?: number | undefined;
}

/** Follows the stream; never throws for network or server faults. */
export async function followWatch(o: FollowOptions): Promise<FollowOutcome> {
  let last = o.from;
  let seen = 0;
  let hintMs: number | undefined;
  let failures = 0;
  let lostAt: number | undefined;

  const attempt = async (): Promise<Attempt> => {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (last !== undefined) headers["last-event-id"] = String(last);
    let res: Response;
    try {
      res = await o.send(o.path, headers, o.signal);
    } catch (e) {
      return { end: `cannot connect: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
      const text = `${res.status} ${problem.code ?? ""}: ${problem.detail ?? res.statusText}`.replace(
        " :",
        ":",
      );
      if (res.status >= 500 || res.status === 408 || res.status === 429) {
        const after = Number(res.headers.get("retry-after"));
        return { end: text, retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : undefined };
      }
      return { end: { kind: "failed", message: text } };
    }
    try {
      for await (const event of sseEvents(res.body!)) {
        // The first frame (`retry:`) proves the stream works: the reconnect budget starts over.
        if (lostAt !== undefined) o.note(`watch: resumed after position ${last ?? "(start)"}`);
        failures = 0;
        lostAt = undefined;
        if (event.retry !== undefined) hintMs = event.retry;
        if (event.event === "shard.error")
          return { end: { kind: "failed", message: `stream failed: ${event.data}` } };
        if (event.event !== "shard.diff" || event.data === undefined) continue;
        const diff = JSON.parse(event.data) as { position: number };
        // A replay overlapping what was printed (a resume from an older position) is skipped: exactly once.
        if (last !== undefined && diff.position <= last) continue;
        last = diff.position;
        o.onDiff(diff);
        if (o.count !== undefined && ++seen >= o.count) return { end: { kind: "ok" } };
      }
      return { end: "the server ended the stream" };
    } catch (e) {
      if (o.signal?.aborted) return { end: { kind: "ok" } };
      return { end: `the stream broke: ${e instanceof Error ? e.message : String(e)}` };
    }
  };

  for (;;) {
    if (o.signal?.aborted) return { kind: "ok" };
    const { end, retryAfterMs } = await attempt();
    if (o.signal?.aborted) return { kind: "ok" };
    if (typeof end !== "string") return end;
    lostAt ??= o.now();
    failures++;
    const waited = o.now() - lostAt;
    const resume = last === undefined ? "" : ` Resume with: shards watch --from ${last}`;
    if (failures > o.policy.maxAttempts || waited >= o.policy.deadlineMs)
      return {
        kind: "gave-up",
        message:
          `watch: gave up after ${failures - 1} reconnect attempt(s) over ${(waited / 1000).toFixed(1)}s: ${end}.` +
          resume,
      };
    const base = hintMs ?? o.policy.initialDelayMs;
    const backoff = Math.min(o.policy.maxDelayMs, base * 2 ** Math.min(failures - 1, 20));
    const delay = Math.min(
      Math.max(backoff, retryAfterMs ?? 0, 0),
      o.policy.maxDelayMs,
      o.policy.deadlineMs - waited,
    );
    o.note(
      `watch: ${end}; reconnecting after position ${last ?? "(start)"} in ${(delay / 1000).toFixed(1)}s ` +
        `(attempt ${failures}/${o.policy.maxAttempts})`,
    );
    await o.sleep(delay, o.signal);
  }
}
