import { Channel, type ChannelReader, VirtualTimeProvider } from "@pipe/pipeline";
import type { DeadLetter } from "../src/index.ts";

export interface Envelope {
  readonly tenantId: string;
  readonly id: number;
}

export const env = (tenantId: string, id: number): Envelope => ({ tenantId, id });

/** Advances `clock` until `promise` settles (fails the test when it never does). */
export async function drive<T>(
  promise: Promise<T>,
  clock: VirtualTimeProvider,
  step = 10,
  max = 5_000,
): Promise<T> {
  let settled = false;
  let value: T | undefined;
  let failure: unknown;
  let failed = false;
  promise.then(
    (v) => {
      settled = true;
      value = v;
    },
    (e: unknown) => {
      settled = true;
      failed = true;
      failure = e;
    },
  );
  for (let i = 0; i < max && !settled; i++) await clock.advance(step);
  if (!settled) throw new Error("promise did not settle under virtual time");
  if (failed) throw failure;
  return value as T;
}

/** Drains a (completed) channel reader into an array. */
export function drain<T>(reader: ChannelReader<T>): T[] {
  const out: T[] = [];
  for (;;) {
    const r = reader.tryRead();
    if (typeof r === "symbol") return out;
    out.push(r as T);
  }
}

/** An ingress channel pre-filled with `envelopes` and completed. */
export function filledIngress(envelopes: readonly Envelope[]): ChannelReader<Envelope> {
  const ch = Channel.createUnbounded<Envelope>();
  for (const e of envelopes) ch.writer.tryWrite(e);
  ch.writer.complete();
  return ch.reader;
}

export const codes = (letters: readonly DeadLetter<Envelope>[]): string[] =>
  letters.map((d) => d.error.code ?? "");

export { VirtualTimeProvider };
