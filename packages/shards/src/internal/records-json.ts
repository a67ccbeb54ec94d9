import type { ShardRecord } from "../model.ts";
import type { ShardRepository } from "../repository.ts";

/**
 * Writes the UTF-8 bytes of `before`, the JSON array of `records` and `after` (the same bytes as encoding
 * `before + JSON.stringify(records) + after`). @internal
 */
export type RecordsJson = (
  records: readonly ShardRecord[],
  before: string,
  after: string,
) => Uint8Array<ArrayBuffer>;

const writers = new WeakMap<ShardRepository, RecordsJson>();

/** Registers the JSON writer of the records `repository` hands out (a read view keeps their texts). @internal */
export function registerRecordsJson(repository: ShardRepository, write: RecordsJson): void {
  writers.set(repository, write);
}

/** The JSON writer registered for `repository`, or undefined. @internal */
export function recordsJsonOf(repository: ShardRepository): RecordsJson | undefined {
  return writers.get(repository);
}
