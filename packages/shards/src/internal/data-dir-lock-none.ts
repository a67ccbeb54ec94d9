/**
 * The data-directory lock on runtimes without a file system (browsers, workers): selected by the
 * `#data-dir-lock` import condition. PGlite has no file-system data directory there either (it uses `idb://`,
 * `opfs-ahp://` or `memory://`, which need no lock), so a request for one is refused rather than left unlocked.
 */
import { err, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "../codes.ts";
import type { DataDirectoryLock, DataDirectoryLockOptions } from "./data-dir-lock-contract.ts";

/** Refuses: this runtime cannot lock a file-system directory. @internal */
export function acquire(
  directory: string,
  _options?: DataDirectoryLockOptions,
): Promise<Result<DataDirectoryLock>> {
  return Promise.resolve(
    err(
      PipeError.from(
        `Cannot lock data directory "${directory}": this runtime has no file system; use memory:// or idb://.`,
        ShardErrorCodes.repositoryFailure,
        { metadata: { directory, stage: "shards.repository.lock" } },
      ),
    ),
  );
}
