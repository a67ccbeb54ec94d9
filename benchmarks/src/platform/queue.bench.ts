/**
 * Why every @pipe queue is a ring buffer: FIFO of 1,000,000 numbers through a ring buffer vs `Array#shift`.
 */
import { benchmark } from "../harness.ts";

const N = 1_000_000;
const WINDOW = 1024;

/** A power-of-two ring buffer: push and shift are O(1), no element moves. */
function ring(): number {
  const buffer = new Float64Array(WINDOW);
  const mask = WINDOW - 1;
  let head = 0;
  let tail = 0;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    buffer[tail++ & mask] = i;
    if (tail - head === WINDOW) sum += buffer[head++ & mask] as number;
  }
  while (head < tail) sum += buffer[head++ & mask] as number;
  return sum;
}

function arrayShift(): number {
  const queue: number[] = [];
  let sum = 0;
  for (let i = 0; i < N; i++) {
    queue.push(i);
    if (queue.length === WINDOW) sum += queue.shift() as number;
  }
  while (queue.length > 0) sum += queue.shift() as number;
  return sum;
}

export default benchmark({
  name: "queue: ring buffer vs Array#shift",
  workload: `${N.toLocaleString("en")} numbers through a FIFO holding up to ${WINDOW} items`,
  baselineNote: "a power-of-two ring buffer over a Float64Array (the structure @pipe channels use)",
  rounds: 15,
  itemsPerSample: N,
  expected: (N * (N - 1)) / 2,
  baseline: { name: "ring buffer", run: ring },
  variants: [{ name: "Array#shift", run: arrayShift }],
});
