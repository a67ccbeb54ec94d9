/**
 * `@pipe/shards/pglite`: the embedded store (PostgreSQL in WebAssembly), the lock it holds on its data
 * directory, and the SQL executor it runs on, for stores of your own. Loads `@electric-sql/pglite`, an optional
 * peer dependency: install it next to `@pipe/shards`.
 *
 * @module @pipe/shards/pglite
 */
export {
  acquireDataDirectoryLock,
  type DataDirectoryLock,
  type DataDirectoryLockHolder,
  type DataDirectoryLockOptions,
} from "../stores/data-directory-lock.ts";
export { PGliteShardRepository, type PGliteShardRepositoryOptions } from "../stores/pglite.ts";
export { openPGliteExecutor, type PGliteExecutorOptions } from "../stores/pglite-executor.ts";
export { quoteSqlSchema, type SqlExecutor } from "../stores/sql-executor.ts";
