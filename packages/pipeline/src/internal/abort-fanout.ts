/**
 * The abort link the pipeline's internals use: `linkAbort` from `@pipe/channels` (one listener per source,
 * unlinked explicitly). The fan-in modules import it from here.
 *
 * @internal
 * @module
 */
export { linkAbort } from "@pipe/channels";
