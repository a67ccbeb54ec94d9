interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit: items submitted one by one are flushed together, at most `maxBatch` per flush and at most
 * `maxInFlight` flushes at once, never two items with the same key in one flush (they wait for the next).
 * An idle batcher flushes the first item at once; while flushes are in flight, the next items gather, so the
 * batch size follows the load. A flush that rejects rejects every item of its batch. @internal
 */
export class Batcher<T, R> {
  #queue: Pending<T, R>[] = [];
  #inFlight = 0;

  constructor(
    readonly flush: (items: readonly T[]) => Promise<readonly R[]>,
    readonly key: (item: T) => string,
    readonly maxBatch: number,
    readonly maxInFlight: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError("maxBatch must be an integer >= 1.");
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
      throw new RangeError("maxInFlight must be an integer >= 1.");
  }

  /** Queues one item; resolves with its result once its batch was flushed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.maxInFlight && this.#queue.length > 0) {
      const batch: Pending<T, R>[] = [];
      const rest: Pending<T, R>[] = [];
      const keys = new Set<string>();
      for (const entry of this.#queue) {
        const k = this.key(entry.item);
        if (batch.length < this.maxBatch && !keys.has(k)) {
          keys.add(k);
          batch.push(entry);
        } else rest.push(entry);
      }
      this.#queue = rest;
      this.#inFlight++;
      this.flush(batch.map((e) => e.item))
        .then(
          (results) => {
            for (let i = 0; i < batch.length; i++) batch[i]?.resolve(results[i] as R);
          },
          (e: unknown) => {
            for (const entry of batch) entry.reject(e);
          },
        )
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }
}
