/**
 * `@pipe/shards/postgres`: the PostgreSQL store for several control-plane instances. Loads the `postgres`
 * driver, an optional peer dependency: install it next to `@pipe/shards`.
 *
 * @module @pipe/shards/postgres
 */
export { PostgresShardRepository, type PostgresShardRepositoryOptions } from "../stores/postgres.ts";
