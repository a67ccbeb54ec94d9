/**
 * `@pipe/shards/postgres`: the PostgreSQL store for several control-plane instances, and the SQL executor it
 * runs on, for stores of your own. Loads the `postgres` driver, an optional peer dependency: install it next to
 * `@pipe/shards`.
 *
 * @module @pipe/shards/postgres
 */
export { PostgresShardRepository, type PostgresShardRepositoryOptions } from "../stores/postgres.ts";
export { openPostgresExecutor, type PostgresExecutorOptions } from "../stores/postgres-executor.ts";
export { quoteSqlSchema, type SqlExecutor } from "../stores/sql-executor.ts";
