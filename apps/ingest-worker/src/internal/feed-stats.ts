import type { FeedStats } from "../feed.ts";

/** A feed's counters, all zero. @internal */
export const emptyFeedStats = (name: string): FeedStats => ({
  name,
  delivered: 0,
  completed: 0,
  released: 0,
  reclaimed: 0,
  vanished: 0,
  lag: 0,
});
