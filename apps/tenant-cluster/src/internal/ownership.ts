import { ShardFilter, type ShardRecord, type ShardRepository } from "@pipe/shards";

/**
 * Follows a namespace's shard records (list, then the change stream from the position read first) and
 * reports, per tenant, the token this runner holds: the record's version when the ownership came to it
 * (later versions with the same owner keep the token), or undefined once another runner owns it. A full list
 * every `resyncMs` is a safety net for a change stream that stalls; a record older than one already seen is
 * ignored, so the two sources never move ownership backwards. @internal
 */
export async function followOwnership(
  repository: ShardRepository,
  namespace: string,
  me: string,
  onChange: (tenantId: string, token: number | undefined) => void,
  signal: AbortSignal,
  resyncMs = 2_000,
): Promise<void> {
  const held = new Map<string, number>();
  const seen = new Map<string, number>();
  const see = (r: ShardRecord): void => {
    if ((seen.get(r.shardId) ?? 0) >= r.version) return;
    seen.set(r.shardId, r.version);
    const had = held.get(r.shardId);
    if (r.ownerNodeId === me) {
      if (had !== undefined) return;
      held.set(r.shardId, r.version);
      onChange(r.shardId, r.version);
    } else if (had !== undefined) {
      held.delete(r.shardId);
      onChange(r.shardId, undefined);
    }
  };
  const filter = ShardFilter.create({ namespace });
  const resync = setInterval(() => {
    void repository.list(namespace, { signal }).then(
      (records) => {
        if (records.isOk) for (const r of records.value) see(r);
      },
      () => undefined,
    );
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
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
