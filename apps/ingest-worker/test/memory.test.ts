import { describe, expect, it } from "vitest";
import { startIngest } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { createMemoryFeed } from "../src/memory-feed.ts";
import { openStore } from "../src/store.ts";
import { runWorker } from "../src/worker.ts";
import { runCli } from "./helpers.ts";

describe("in-memory feeds + PGlite, end to end", () => {
  it("drains three feeds concurrently, exactly once in effect, rolling back every poisoned message", async () => {
    const store = await openStore({ dataDir: "memory://" });
    try {
      const feeds = ["orders", "payments", "stock"].map((name) =>
        createMemoryFeed({ name, messages: 400, runId: "e2e", invalidEvery: 0 }),
      );
      const result = await runWorker({ feeds, store, concurrency: 8, retain: "message", poisonEvery: 50 });
      expect(result.status).toBe("drained");
      const s = result.stats;
      expect(s.processed).toBe(1200);
      expect(s.poisoned).toBe(24);
      // Poisoned messages in flight together fail one round together.
      expect(s.failures).toBeGreaterThanOrEqual(8);
      expect(s.failures).toBeLessThanOrEqual(24);
      expect(s.compensations).toMatchObject({
        compensatingEvents: 24,
        keysDeleted: 24,
        leasesReleased: 24,
        failed: 0,
      });
      for (const f of feeds) expect(f.stats).toMatchObject({ completed: 400, released: 8, lag: 0 });
      const report = await store.report();
      expect(report).toMatchObject({ keys: 1200, once: 1200, duplicated: 0, undone: 0, compensations: 24 });
      expect(report.events).toBe(1224);
    } finally {
      await store.close();
    }
  });

  it("replaying the same messages (same run id) only acknowledges them", async () => {
    const store = await openStore({ dataDir: "memory://" });
    try {
      for (let pass = 0; pass < 2; pass++) {
        const feeds = [createMemoryFeed({ name: "orders", messages: 100, runId: "replay" })];
        const r = await runWorker({ feeds, store, concurrency: 4 });
        expect(r.stats.processed + r.stats.duplicates).toBe(100);
        expect(r.stats.duplicates).toBe(pass === 0 ? 0 : 100);
      }
      expect(await store.report()).toMatchObject({ keys: 100, once: 100, events: 100 });
    } finally {
      await store.close();
    }
  });

  it("retain pipeline (the seed's default) and concurrency 1 give the same effects", async () => {
    const args = ["--messages", "150", "--feeds", "a,b", "--concurrency", "1", "--retain", "pipeline"];
    args.push("--poison-every", "40", "--invalid-every", "70", "--data-dir", "memory://");
    const run = await startIngest(parseConfig(args, {}));
    const summary = await run.done;
    expect(summary.status).toBe("drained");
    expect(summary.store).toBe("pglite");
    expect(summary.stats.deadLettered).toBe(4);
    expect(summary.stats.processed).toBe(296);
    expect(summary.effects).toMatchObject({ once: 296, duplicated: 0, deadLetters: 4 });
  });

  it("stops gracefully on an endless feed and releases what it did not finish", async () => {
    const store = await openStore({ dataDir: "memory://" });
    try {
      const feeds = [createMemoryFeed({ name: "endless", messages: 0, runId: "endless" })];
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 700);
      const r = await runWorker({ feeds, store, concurrency: 8, signal: controller.signal });
      expect(r.status).toBe("stopped");
      expect(r.stats.processed).toBeGreaterThan(0);
      expect(await store.report()).toMatchObject({ duplicated: 0, keys: r.stats.processed });
      await feeds[0]?.close();
    } finally {
      await store.close();
    }
  });
});

describe("the command line", () => {
  it("--help prints the usage", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--poison-every");
    expect(r.stdout).toContain("REDIS_URL");
  });

  it("bad usage exits 2 with a message", async () => {
    const r = await runCli(["--concurrency", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--concurrency must be an integer >= 1");
  });

  it("--json prints a summary after progress lines on stderr", async () => {
    const r = await runCli(
      [
        "--messages",
        "200",
        "--data-dir",
        "memory://",
        "--poison-every",
        "100",
        "--json",
        "--progress-interval",
        "100",
      ],
      { REDIS_URL: "", DATABASE_URL: "" },
    );
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      status: string;
      stats: { processed: number; compensations: { run: number } };
      effects: { once: number };
    };
    expect(summary.status).toBe("drained");
    expect(summary.stats.processed).toBe(600);
    expect(summary.stats.compensations.run).toBe(18);
    expect(summary.effects.once).toBe(600);
    expect(r.stderr).toContain("round failed: ingest.poison");
  });
});
