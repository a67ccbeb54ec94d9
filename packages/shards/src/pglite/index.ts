/**
 * `@pipe/shards/pglite`: the embedded store (PostgreSQL in WebAssembly) and the lock it holds on its data
 * directory. Loads `@electric-sql/pglite`, an optional peer dependency: install it next to `@pipe/shards`.
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
