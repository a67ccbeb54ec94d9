/// <reference types="node" />
/**
 * `@pipe/pipeline` on server runtimes (Node, Deno and Bun pick this entry through the `node`, `deno` and `bun`
 * export conditions): the same API as the portable entry, plus an async store from `node:async_hooks`, so
 * `ResultPipelineChannels.fanIn` knows which message's handler registered a compensation on a shared context or
 * scope, after awaits too, at any concurrency, and removes exactly its messages' entries (never other code's).
 *
 * @module @pipe/pipeline
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { installAsyncStore } from "./internal/async-context.ts";

installAsyncStore(() => new AsyncLocalStorage<unknown>());

export * from "./index.ts";
