import type { CompensationScope } from "../compensation-scope.ts";
import type { CompensationLog } from "./log.ts";

let getLog: ((scope: CompensationScope) => CompensationLog) | undefined;

/** Installed once by `CompensationScope`'s static block. @internal */
export function installScopeInternals(fn: (scope: CompensationScope) => CompensationLog): void {
  getLog = fn;
}

/** The storage of a scope (for the package's own orchestrators). @internal */
export function logOf(scope: CompensationScope): CompensationLog {
  return (getLog as (scope: CompensationScope) => CompensationLog)(scope);
}
