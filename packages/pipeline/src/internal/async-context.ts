/**
 * A value that follows async continuations (what `AsyncLocalStorage` gives on server runtimes): set around a
 * call with `run`, read anywhere below it with `getStore`, including after awaits.
 * @internal
 */
export interface AsyncStore<T> {
  run<R>(store: T, fn: () => R): R;
  getStore(): T | undefined;
  /** Stops propagating until the next `run` (lets a runtime drop its bookkeeping). Optional. */
  disable?(): void;
}

let factory: (() => AsyncStore<unknown>) | undefined;

/**
 * Installs the runtime's async store constructor. Called once by the runtime entry point (`src/index.node.ts`, chosen
 * by the `node`/`deno`/`bun` export conditions); the portable entry installs none.
 * @internal
 */
export function installAsyncStore(make: () => AsyncStore<unknown>): void {
  factory ??= make;
}

/** A new async store, or `undefined` on a runtime without one. @internal */
export function createAsyncStore<T>(): AsyncStore<T> | undefined {
  return factory?.() as AsyncStore<T> | undefined;
}
