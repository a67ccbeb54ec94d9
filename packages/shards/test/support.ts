import { err, PipeError, type Result } from "@pipe/result";
import {
  InMemoryShardRepository,
  ShardErrorCodes,
  type ShardMutationRequest,
  type ShardRepository,
} from "../src/index.ts";

/** Wraps a repository and fails the next `n` calls of the named methods with a retryable store failure. */
export class FlakyRepository implements ShardRepository {
  readonly calls: Record<string, number> = {};
  failures: Partial<Record<keyof ShardRepository, number>> = {};
  constructor(readonly inner: ShardRepository = new InMemoryShardRepository()) {}

  #fail<T>(name: keyof ShardRepository): Result<T> | undefined {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    const left = this.failures[name] ?? 0;
    if (left <= 0) return undefined;
    this.failures[name] = left - 1;
    return err(
      PipeError.from("connection reset", ShardErrorCodes.repositoryFailure, { metadata: { stage: name } }),
    );
  }
  get: ShardRepository["get"] = async (k, o) => this.#fail("get") ?? this.inner.get(k, o);
  list: ShardRepository["list"] = async (n, o) => this.#fail("list") ?? this.inner.list(n, o);
  query: ShardRepository["query"] = async (q, o) => this.#fail("query") ?? this.inner.query(q, o);
  upsert: ShardRepository["upsert"] = async (m, o) => this.#fail("upsert") ?? this.inner.upsert(m, o);
  readDiffs: ShardRepository["readDiffs"] = async (a, o) =>
    this.#fail("readDiffs") ?? this.inner.readDiffs(a, o);
  highestPosition: ShardRepository["highestPosition"] = async (o) =>
    this.#fail("highestPosition") ?? this.inner.highestPosition(o);
  streamDiffs: ShardRepository["streamDiffs"] = (s, o) => {
    const failed = this.#fail<never>("streamDiffs");
    return failed === undefined
      ? this.inner.streamDiffs(s, o)
      : (async function* () {
          yield failed;
        })();
  };
  watch: ShardRepository["watch"] = (s, o) => {
    const failed = this.#fail<never>("watch");
    return failed === undefined
      ? this.inner.watch(s, o)
      : (async function* () {
          yield failed;
        })();
  };
  close = (): Promise<void> => this.inner.close();
}

export const mutation = (
  namespace: string,
  shardId: string,
  ownerNodeId: string,
  extra: Partial<ShardMutationRequest> = {},
): ShardMutationRequest => ({
  namespace,
  shardId,
  strategyId: "rendezvous",
  ownerNodeId,
  ...extra,
});

export async function seed(
  repo: ShardRepository,
  namespace: string,
  count: number,
  owners: readonly string[],
): Promise<void> {
  for (let i = 0; i < count; i++) {
    (
      await repo.upsert(
        mutation(namespace, `shard-${String(i).padStart(4, "0")}`, owners[i % owners.length]!, {
          capacityHint: 1,
        }),
      )
    ).unwrap();
  }
}
