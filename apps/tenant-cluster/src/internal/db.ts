import postgres from "postgres";

/** A `postgres` pool. @internal */
export type Sql = postgres.Sql;

/** Runs one parameterised statement ($1, $2, ...) and returns its rows. @internal */
export async function q<R>(
  sql: Sql | postgres.TransactionSql,
  text: string,
  params: readonly unknown[] = [],
): Promise<R[]> {
  return (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
    prepare: true,
  })) as unknown as R[];
}

/**
 * Connects a pool of `max` connections, with optional session settings (`connection`, e.g.
 * `synchronous_commit`); throws when the server does not answer. @internal
 */
export async function connect(
  url: string,
  max: number,
  connection: Record<string, string> = {},
): Promise<Sql> {
  const sql = postgres(url, {
    max,
    connect_timeout: 5,
    onnotice: () => undefined,
    idle_timeout: 0,
    connection,
  });
  try {
    await sql`select 1`;
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    throw e;
  }
  return sql;
}

export { quoteSqlSchema as quoteSchema } from "@pipe/shards/postgres";

/** A Redis stream id split into its two parts (`ms-seq`), for ordered comparison in SQL. @internal */
export function splitStreamId(id: string): [string, string] {
  const m = /^(\d+)-(\d+)$/.exec(id);
  if (m === null) throw new RangeError(`Invalid stream id "${id}": expected <ms>-<seq>.`);
  return [m[1] as string, m[2] as string];
}
