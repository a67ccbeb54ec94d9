/**
 * The SQL executor the stores (and the reference apps' outbox stores) run on: one behaviour on PGlite and on a
 * PostgreSQL server (at DATABASE_URL; skipped with the printed reason when none answers, failed when
 * PIPE_REQUIRE_SERVICES=1), and the lock a PGlite executor holds on its data directory. The lock's
 * cross-process and crash behaviour is tested in store-pglite-lock.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { ShardErrorCodes } from "../src/index.ts";
import { openPGliteExecutor, quoteSqlSchema, type SqlExecutor } from "../src/pglite/index.ts";
import { openPostgresExecutor } from "../src/postgres/index.ts";
import { skipReasonUnlessRequired } from "./services.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const root = mkdtempSync(join(tmpdir(), "shards-sql-executor-"));
const schema = `pipe_exec_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  await sql.unsafe(`DROP SCHEMA IF EXISTS ${quoteSqlSchema(schema)} CASCADE`).catch(() => undefined);
  await sql.end({ timeout: 1 }).catch(() => undefined);
});

/** The same statements on either engine: parameters, commit, rollback, and a nested transaction. */
function executorContract(name: "pglite" | "postgres", open: () => Promise<SqlExecutor | string>) {
  describe(`SqlExecutor on ${name}`, () => {
    it("runs parameterised statements, commits a transaction and rolls one back on a throw", async (ctx) => {
      const db = await open();
      if (typeof db === "string") {
        console.warn(`[${name}] skipped: ${db}`);
        ctx.skip(db);
        return;
      }
      try {
        expect(db.kind).toBe(name);
        const s = quoteSqlSchema(schema);
        await db.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        await db.query(`CREATE TABLE ${s}.notes (id int PRIMARY KEY, body text NOT NULL)`);
        await db.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${s}.notes VALUES ($1, $2)`, [1, "kept"]);
          // A nested call joins the enclosing transaction.
          await tx.transaction((inner) =>
            inner.query(`INSERT INTO ${s}.notes VALUES ($1, $2)`, [2, "kept too"]),
          );
        });
        const boom = new Error("boom");
        await expect(
          db.transaction(async (tx) => {
            await tx.query(`INSERT INTO ${s}.notes VALUES ($1, $2)`, [3, "rolled back"]);
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await db.query(`SELECT id, body FROM ${s}.notes ORDER BY id`)).toEqual([
          { id: 1, body: "kept" },
          { id: 2, body: "kept too" },
        ]);
        await expect(db.query(`INSERT INTO ${s}.notes VALUES ($1, $2)`, [1, "duplicate"])).rejects.toThrow();
      } finally {
        await db.close();
      }
    });
  });
}

executorContract("pglite", async () => (await openPGliteExecutor()).unwrap());
executorContract("postgres", async () => {
  const opened = await openPostgresExecutor({ url, maxConnections: 2, connectTimeoutSeconds: 3 });
  if (opened.isOk) return opened.value;
  const reason = skipReasonUnlessRequired(`no PostgreSQL server answers at ${url} (${opened.error.message})`);
  return reason ?? opened.unwrap();
});

describe("openPGliteExecutor", () => {
  it("locks a data directory: a second opener is refused, naming the directory and holder, until the first closes", async () => {
    const dataDir = join(root, "db");
    const first = (await openPGliteExecutor({ dataDir })).unwrap();
    await first.query("CREATE TABLE kept (n int)");
    await first.query("INSERT INTO kept VALUES (7)");

    const second = await openPGliteExecutor({ dataDir });
    expect(second.isErr && second.error.code).toBe(ShardErrorCodes.repositoryLocked);
    expect(second.isErr && second.error.message).toContain(
      `Data directory "${dataDir}" is locked by another live process: pid ${process.pid} on host ${hostname()}`,
    );

    await first.close();
    const again = (await openPGliteExecutor({ dataDir: `file://${dataDir}` })).unwrap();
    expect(await again.query("SELECT n FROM kept")).toEqual([{ n: 7 }]);
    await again.close();
  });

  it("needs no lock in memory: two in-memory executors open side by side", async () => {
    const a = (await openPGliteExecutor({ dataDir: "memory://" })).unwrap();
    const b = (await openPGliteExecutor()).unwrap();
    expect(await a.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(await b.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await Promise.all([a.close(), b.close()]);
  });
});

describe("openPostgresExecutor", () => {
  it("fails with shards.control.repository.failure when no server answers", async () => {
    const opened = await openPostgresExecutor({
      url: "postgres://postgres@127.0.0.1:1/none",
      connectTimeoutSeconds: 2,
    });
    expect(opened.isErr && opened.error.code).toBe(ShardErrorCodes.repositoryFailure);
    expect(opened.isErr && opened.error.message).toMatch(/^The database could not be opened: /);
  });
});

describe("quoteSqlSchema", () => {
  it("quotes lowercase identifiers and throws a RangeError for anything else", () => {
    expect(quoteSqlSchema("ingest_2")).toBe('"ingest_2"');
    for (const bad of ["", "Upper", "1st", 'a"b', "a.b", "x".repeat(64)]) {
      expect(() => quoteSqlSchema(bad), bad).toThrow(RangeError);
    }
  });
});
