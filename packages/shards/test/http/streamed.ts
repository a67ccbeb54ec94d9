/** Reading a streamed body while another request is made meanwhile (shared by the HTTP tests). */
import { expect } from "vitest";

/**
 * Reads `res`'s body to its end; once its first chunk is in, starts `other()` as a macrotask (as a request
 * arriving over I/O would). Returns the body's text and the chunks that came after `other()`'s 200 answer:
 * more than 0 only when writing the body yields to the event loop between chunks.
 */
export async function readWhileAnswering(
  res: Response,
  other: () => Response | Promise<Response>,
): Promise<{ readonly text: string; readonly chunksAfterAnswer: number }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value, { stream: true });
  let answered = false;
  setTimeout(async () => {
    expect((await other()).status).toBe(200);
    answered = true;
  }, 0);
  let chunksAfterAnswer = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    if (answered) chunksAfterAnswer++;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return { text, chunksAfterAnswer };
}
