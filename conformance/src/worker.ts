/**
 * The suite as a Worker's fetch handler (bundled by `workerd.ts`): a POST with the run's configuration runs
 * the handed test files and streams every line the run prints, then a `__pipe_done__ <outcome>` line.
 *
 * @module
 */
import { type BrowserRunConfig, start } from "./browser-page.ts";

/** The line that ends the stream with the run's outcome as JSON. */
export const DONE_MARKER = "__pipe_done__ ";

/** A Worker module's default export that runs the given test files per request. */
export function conformanceWorker(files: Readonly<Record<string, () => Promise<unknown>>>): {
  fetch(request: Request): Promise<Response>;
} {
  return {
    async fetch(request) {
      const config = (await request.json()) as BrowserRunConfig;
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const writer = writable.getWriter();
      const encoder = new TextEncoder();
      const write = (text: string): Promise<void> => writer.write(encoder.encode(`${text}\n`));
      const log = console.log;
      console.log = (...args: unknown[]) => void write(args.map(String).join(" "));
      // The run goes on after the response starts; the open body keeps the request alive until it ends.
      void (async () => {
        try {
          const done = await start(config, files);
          await write(`\n${DONE_MARKER}${JSON.stringify(done)}`);
        } catch (error) {
          await write(`  ! the Worker's run failed: ${error instanceof Error ? error.stack : String(error)}`);
        } finally {
          console.log = log;
          await writer.close();
        }
      })();
      return new Response(readable, { headers: { "content-type": "text/plain; charset=utf-8" } });
    },
  };
}
