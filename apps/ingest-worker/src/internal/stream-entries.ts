/** One entry of an XREADGROUP / XAUTOCLAIM reply: id and fields (nil once deleted from the stream). @internal */
export type StreamEntry = [id: string, fields: string[]] | null;

/** The `payload` field of an entry's fields ("" when missing). @internal */
export const payloadOf = (fields: readonly string[]): string => {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "payload") return fields[i + 1] as string;
  return "";
};

/**
 * The group's pending count and its lag (pending + not yet delivered) from an `XINFO GROUPS` reply, or
 * `undefined` when the group is not in it. @internal
 */
export function groupLag(
  groups: readonly unknown[][],
  group: string,
): { pending: number; lag: number } | undefined {
  for (const g of groups) {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < g.length; i += 2) info.set(String(g[i]), g[i + 1]);
    if (info.get("name") !== group) continue;
    const pending = Number(info.get("pending") ?? 0);
    const lag = Number(info.get("lag") ?? 0);
    return { pending, lag: pending + (Number.isFinite(lag) ? lag : 0) };
  }
  return undefined;
}

/** What the commands `RedisFeed.release` needs (a connected Redis client has it). @internal */
interface Commands {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * Makes a held pending entry immediately claimable (idle = `leaseTimeout`) by any consumer, this one included
 * (XCLAIM JUSTID). When it is not pending any more, tells whether it was acknowledged elsewhere (a stale
 * lease) or deleted from the stream (XDEL, a MAXLEN trim: it can never be redelivered). @internal
 */
export async function releaseEntry(
  commands: Commands,
  o: {
    readonly stream: string;
    readonly group: string;
    readonly consumer: string;
    readonly leaseTimeout: number;
  },
  id: string,
): Promise<"claimable" | "acknowledged" | "deleted"> {
  const { stream } = o;
  const claim = ["XCLAIM", stream, o.group, o.consumer, "0", id, "IDLE", String(o.leaseTimeout), "JUSTID"];
  if (((await commands.sendCommand(claim)) as string[]).length > 0) return "claimable";
  const left = (await commands.sendCommand(["XRANGE", stream, id, id])) as unknown[];
  return left.length === 0 ? "deleted" : "acknowledged";
}

/** Most entry ids one vanished-entries log line names. */
const SHOWN_IDS = 10;

/**
 * The warning for pending entries found deleted from the stream (XDEL, a MAXLEN trim) before they were
 * handled: how many, and at most {@link SHOWN_IDS} of their ids, so one batch of thousands stays one short line.
 * @internal
 */
export function vanishedEntriesLine(feed: string, ids: readonly string[]): string {
  const shown = ids.slice(0, SHOWN_IDS).join(", ");
  const more = ids.length > SHOWN_IDS ? ` and ${ids.length - SHOWN_IDS} more` : "";
  const what = ids.length === 1 ? "1 pending entry was" : `${ids.length} pending entries were`;
  return `feed ${feed}: ${what} deleted from the stream before being handled (XDEL or a MAXLEN trim); acknowledged, their data is gone: ${shown}${more}`;
}
