import { ShardFilter, type ShardRecord, type ShardRepository } from "@pipe/shards";

/**
 * Which tenants one runner holds, and with which token, from the shard records it sees (list or change
 * stream, in any order). @internal
 *
 * Details: a tenant's token is the record's version when the ownership came to this runner. A later version
 * with the same owner keeps the token only when it directly follows the last version seen (`v + 1`: no move
 * can hide in between). A gap (a record seen through a list while the change stream lags behind) may hide a
 * move away and back, after which another runner raised the fence above the old token: the old token would
 * then be refused forever. So a gap with this runner as owner is a new ownership, with the record's version
 * as its token. A record older than one already seen is ignored, so two sources never move ownership back.
 */
export class OwnershipView {
  readonly #held = new Map<string, number>();
  readonly #seen = new Map<string, number>();

  constructor(readonly me: string) {}

  /** Applies one record; returns the tenant's new state (token, or undefined = not held), or null: no change. */
  see(r: ShardRecord): { readonly token: number | undefined } | null {
    const last = this.#seen.get(r.shardId) ?? 0;
    if (last >= r.version) return null;
    this.#seen.set(r.shardId, r.version);
    const had = this.#held.get(r.shardId);
    if (r.ownerNodeId === this.me) {
      if (had !== undefined && r.version === last + 1) return null;
      this.#held.set(r.shardId, r.version);
      return { token: r.version };
    }
    if (had === undefined) return null;
    this.#held.delete(r.shardId);
    return { token: undefined };
  }
}

/**
 * Follows a namespace's shard records (list, then the change stream from the position read first) and
 * reports, per tenant, the token this runner holds (see {@link OwnershipView}), or undefined once another
 * runner owns it. A full list every `resyncMs` is a safety net for a change stream that stalls. After an error
 * of the change stream (a lost connection, a history compacted past the position) it lists again and resumes
 * from the new head, so no change is waited for forever. @internal
 */
export async function followOwnership(
  repository: ShardRepository,
  namespace: string,
  me: string,
  onChange: (tenantId: string, token: number | undefined) => void,
  signal: AbortSignal,
  resyncMs = 2_000,
): Promise<void> {
  const view = new OwnershipView(me);
  const see = (r: ShardRecord): void => {
    const change = view.see(r);
    if (change !== null) onChange(r.shardId, change.token);
  };
  const filter = ShardFilter.create({ namespace });
  // One resync at a time: on a slow store, lists never pile up behind each other.
  let listing = false;
  const resync = setInterval(() => {
    if (listing) return;
    listing = true;
    void repository
      .list(namespace, { signal })
      .then(
        (records) => {
          if (records.isOk) for (const r of records.value) see(r);
        },
        () => undefined,
      )
      .finally(() => (listing = false));
  }, resyncMs);
  signal.addEventListener("abort", () => clearInterval(resync), { once: true });
  let position = 0;
  while (!signal.aborted) {
    try {
      if (position === 0) {
        const head = await repository.highestPosition({ signal });
        const records = await repository.list(namespace, { signal });
        if (head.isErr || records.isErr)
          throw head.isErr ? head.error : (records as { error: unknown }).error;
        for (const r of records.value) see(r);
        position = head.value;
      }
      for await (const r of repository.watch(position, { signal })) {
        if (r.isErr) throw r.error;
        position = r.value.position;
        if (filter.matches(r.value.current)) see(r.value.current);
      }
    } catch {
      if (signal.aborted) return;
      position = 0;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
