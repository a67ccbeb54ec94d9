/**
 * The worker's life as an operator sees it: the health and metrics server (in-process and in a real process),
 * SIGTERM during the start-up (summary, exit 0), SIGTERM while running, and the port options.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PORT, parseConfig } from "../src/config.ts";
import type { FeedStats } from "../src/feed.ts";
import { startHealthServer, type WorkerPhase } from "../src/health-server.ts";
import { createStats } from "../src/stats.ts";
import { cliCommand } from "./helpers.ts";

/** Polls `probe` until it returns a value, failing with `what` after `timeoutMs` (no fixed sleeps). */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Worker {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(args: readonly string[]): Worker {
  const c = cliCommand(args);
  const child = spawn(c.command, c.args, {
    cwd: c.cwd,
    env: { ...process.env, REDIS_URL: "", DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

const healthUrl = (w: Worker): string | undefined => /health (http:\/\/\S+)\/healthz/.exec(w.stderr())?.[1];
const get = (url: string) =>
  fetch(url).then(
    async (r) => ({ status: r.status, text: await r.text() }),
    () => undefined,
  );

describe("health and metrics server", () => {
  it("answers 503 until the run starts, 200 while it runs, 503 when stopping; metrics follow the counters", async () => {
    let phase: WorkerPhase = "starting";
    const stats = createStats();
    let feeds: FeedStats[] = [];
    const server = await startHealthServer(
      {
        phase: () => phase,
        stats: () => (phase === "starting" ? undefined : stats),
        feeds: () => feeds,
        uptimeSeconds: () => 1.5,
      },
      { host: "127.0.0.1", port: 0 },
    );
    try {
      const health = async () => {
        const r = await fetch(`${server.url}/healthz`);
        return [r.status, await r.json()];
      };
      expect(await health()).toEqual([503, { status: "starting" }]);
      const early = await (await fetch(`${server.url}/metrics`)).text();
      expect(early).toContain("ingest_ready 0\n");
      expect(early).not.toContain("ingest_messages_processed_total");
      phase = "running";
      stats.processed = 42;
      stats.compensations.leasesReleased = 3;
      feeds = [
        { name: 'or"ders', delivered: 50, completed: 42, released: 3, reclaimed: 0, vanished: 2, lag: 7 },
      ];
      expect(await health()).toEqual([200, { status: "ready" }]);
      const res = await fetch(`${server.url}/metrics`);
      expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const text = await res.text();
      expect(text).toContain(
        "# TYPE ingest_messages_processed_total counter\ningest_messages_processed_total 42\n",
      );
      expect(text).toContain('ingest_compensations_total{action="lease_released"} 3\n');
      expect(text).toContain('ingest_feed_lag{feed="or\\"ders"} 7\n');
      expect(text).toContain('ingest_feed_vanished_total{feed="or\\"ders"} 2\n');
      expect(text).toContain("\ningest_ready 1\n");
      expect(text).toContain("\ningest_uptime_seconds 1.5\n");
      phase = "stopping";
      expect(await health()).toEqual([503, { status: "stopping" }]);
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
      expect((await fetch(`${server.url}/healthz`, { method: "POST" })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it("ports: distinct default, --port, INGEST_PORT, --no-http, bad values", () => {
    expect(DEFAULT_PORT).toBe(8789);
    expect(parseConfig([], {})).toMatchObject({ http: true, host: "127.0.0.1", port: 8789 });
    expect(parseConfig(["--port", "0"], { INGEST_PORT: "9100" }).port).toBe(0);
    expect(parseConfig([], { INGEST_PORT: "9100" }).port).toBe(9100);
    expect(parseConfig(["--no-http"], {}).http).toBe(false);
    expect(() => parseConfig(["--port", "70000"], {})).toThrow(/--port must be an integer from 0 to 65535/);
    expect(() => parseConfig(["--port", "x"], {})).toThrow(/--port/);
  });

  it("log format: text by default, --log-format or LOG_FORMAT, bad values rejected", () => {
    expect(parseConfig([], {}).logFormat).toBe("text");
    expect(parseConfig(["--log-format", "json"], {}).logFormat).toBe("json");
    expect(parseConfig([], { LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(parseConfig(["--log-format=text"], { LOG_FORMAT: "json" }).logFormat).toBe("text");
    expect(() => parseConfig(["--log-format", "yaml"], {})).toThrow(/--log-format must be "text" or "json"/);
  });

  it("a port in use fails the start with a message (exit 1), before the store is opened", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const { port } = blocker.address() as { port: number };
    try {
      const w = spawnWorker(["--port", String(port), "--data-dir", "memory://"]);
      expect((await w.exited).code).toBe(1);
      expect(w.stderr()).toContain(`cannot serve health and metrics on 127.0.0.1:${port}`);
      expect(w.stderr()).toContain("--no-http");
    } finally {
      blocker.close();
    }
  });
});

describe("signals", () => {
  // Real processes from source on a shared machine: generous bounds; every wait inside polls a condition.
  it("SIGTERM during the start-up stops cleanly: summary printed, exit 0", { timeout: 180_000 }, async () => {
    // An on-disk PGlite directory makes the start-up take seconds; the signal arrives while /healthz says so.
    const dataDir = await mkdtemp(join(tmpdir(), "ingest-startup-"));
    const w = spawnWorker(["--data-dir", dataDir, "--messages", "0", "--rate", "100", "--json"]);
    try {
      const url = await until("the health server", () => healthUrl(w));
      const starting = await until("/healthz", () => get(`${url}/healthz`));
      expect(starting).toEqual({ status: 503, text: '{"status":"starting"}' });
      w.child.kill("SIGTERM");
      expect(await w.exited).toEqual({ code: 0, signal: null });
      expect(w.stderr()).toContain("ingest-worker: stopping");
      expect(w.stderr()).not.toContain("ingest-worker: ready");
      const summary = JSON.parse(w.stdout()) as {
        status: string;
        stats: { processed: number };
        feeds: unknown[];
      };
      expect(summary).toMatchObject({ status: "stopped", stats: { processed: 0 }, feeds: [] });
    } finally {
      w.child.kill("SIGKILL");
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("--log-format=json writes every stderr line as one JSON object", { timeout: 180_000 }, async () => {
    const w = spawnWorker([
      "--data-dir",
      "memory://",
      "--messages",
      "20",
      "--exit-when-drained",
      "--no-http",
      "--log-format=json",
      "--run-id",
      "json-logs",
    ]);
    try {
      expect(await w.exited).toEqual({ code: 0, signal: null });
      const lines = w.stderr().trimEnd().split("\n");
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const r of records) {
        expect(Object.keys(r).slice(0, 3)).toEqual(["time", "level", "msg"]);
        expect(r).toMatchObject({ app: "ingest-worker", run: "json-logs" });
        expect(Number.isNaN(Date.parse(r.time as string))).toBe(false);
      }
      expect(records.map((r) => r.msg)).toContain("ingest-worker: ready");
      expect(w.stdout()).toMatch(/^ingest-worker drained after/);
    } finally {
      w.child.kill("SIGKILL");
    }
  });

  it("ready once started, counts on /metrics, and SIGTERM while running prints the summary", {
    timeout: 180_000,
  }, async () => {
    const w = spawnWorker([
      "--data-dir",
      "memory://",
      "--messages",
      "0",
      "--rate",
      "200",
      "--progress-interval",
      "60000",
    ]);
    try {
      const url = await until("the health server", () => healthUrl(w));
      await until("ready", async () => ((await get(`${url}/healthz`))?.status === 200 ? true : undefined));
      await until("messages processed", async () => {
        const m = /^ingest_messages_processed_total (\d+)$/m.exec((await get(`${url}/metrics`))?.text ?? "");
        return m !== null && Number(m[1]) > 0 ? true : undefined;
      });
      const metrics = (await get(`${url}/metrics`))?.text ?? "";
      expect(metrics).toContain("ingest_ready 1\n");
      expect(metrics).toMatch(/^ingest_feed_completed_total\{feed="orders"\} \d+$/m);
      w.child.kill("SIGTERM");
      expect(await w.exited).toEqual({ code: 0, signal: null });
      expect(w.stdout()).toMatch(/^ingest-worker stopped after [\d.]+s: [\d,]+ messages/);
      expect(w.stderr()).toContain("ingest-worker: ready");
    } finally {
      w.child.kill("SIGKILL");
    }
  });
});
