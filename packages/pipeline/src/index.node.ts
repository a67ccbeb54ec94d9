/// <reference types="node" />
/**
 * `@pipe/pipeline` on server runtimes (Node, Deno and Bun pick this entry through the `node`, `deno` and `bun`
 * export conditions): the same API as the portable entry, plus an async store from `node:async_hooks`, so
 * `ResultPipelineChannels.fanIn` with `retain: "message"` knows which message's handler registered a
 * compensation on a shared context or scope, at any concurrency, and releases exactly that message's entries.
 *
 * @module @pipe/pipeline
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { installAsyncStore } from "./internal/async-context.ts";

installAsyncStore(() => new AsyncLocalStorage<unknown>());

export * from "./index.ts";
