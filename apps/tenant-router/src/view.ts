import type { TenantRouterApp } from "./app.ts";
import { displayState } from "./summary.ts";

/** Where the view writes (a `process.stdout`/`stderr`-like stream). */
export interface ViewOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

const fmt = (n: number): string => n.toLocaleString("en-US");
const pad = (s: string, w: number): string => (s.length >= w ? s.slice(0, w) : s + " ".repeat(w - s.length));
const lpad = (s: string, w: number): string => (s.length >= w ? s : " ".repeat(w - s.length) + s);

/**
 * The live terminal view: per-tenant counters redrawn in place (at most every `intervalMs`, default 250 ms)
 * on a TTY; on anything else (a pipe, CI), one plain status line every `plainEveryMs` (default 1 s).
 *
 * Details: `log(line)` prints a line above the table without tearing it. `stop()` draws the last frame.
 */
export class LiveView {
  readonly #app: TenantRouterApp;
  readonly #out: ViewOutput;
  readonly #tty: boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
  #drawn = 0;
  #lastProcessed = 0;
  #lastAt = performance.now();
  #rate = 0;

  constructor(app: TenantRouterApp, out: ViewOutput, options: { readonly tty?: boolean } = {}) {
    this.#app = app;
    this.#out = out;
    this.#tty = options.tty ?? out.isTTY === true;
  }

  start(intervalMs = 250, plainEveryMs = 1_000): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.#tty ? Math.max(100, intervalMs) : plainEveryMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#tty) this.#tick();
    this.#drawn = 0;
  }

  log(line: string): void {
    if (this.#tty && this.#drawn > 0) {
      this.#out.write(`\x1b[${this.#drawn}A\x1b[J${line}\n`);
      this.#drawn = 0;
      if (this.#timer !== undefined) this.#tick();
    } else this.#out.write(`${line}\n`);
  }

  /** The current frame's lines (also used for the plain line). */
  frame(): string[] {
    const snap = this.#app.router.snapshot();
    const now = performance.now();
    const dt = (now - this.#lastAt) / 1000;
    if (dt > 0.05) {
      this.#rate = (snap.totals.processed - this.#lastProcessed) / dt;
      this.#lastProcessed = snap.totals.processed;
      this.#lastAt = now;
    }
    const ing = this.#app.ingress.stats;
    const lines = [
      `router ${snap.state}  processed ${fmt(snap.totals.processed)} (${fmt(Math.round(this.#rate))}/s)  dead letters ${fmt(snap.totals.deadLettered)}  unknown ${fmt(snap.unknown)}  ingress read ${fmt(ing.read)} acked ${fmt(ing.acked)}`,
      `${pad("TENANT", 12)} ${pad("STATE", 10)} ${lpad("RECEIVED", 9)} ${lpad("DONE", 8)} ${lpad("FAILED", 6)} ${lpad("DLQ", 7)} ${lpad("DEPTH", 5)} ${lpad("RESTART", 7)} ${lpad("LEDGER+", 8)} ${lpad("REVERTED", 8)}`,
    ];
    for (const t of snap.tenants) {
      const l = this.#app.stats.tenants.get(t.tenantId);
      lines.push(
        `${pad(t.tenantId, 12)} ${pad(displayState(t), 10)} ${lpad(fmt(t.received), 9)} ${lpad(fmt(t.processed), 8)} ${lpad(fmt(t.failed), 6)} ${lpad(fmt(t.deadLettered), 7)} ${lpad(String(t.depth), 5)} ${lpad(String(t.restarts), 7)} ${lpad(fmt(l?.appended ?? 0), 8)} ${lpad(fmt(l?.reverted ?? 0), 8)}`,
      );
    }
    return lines;
  }

  #tick(): void {
    const lines = this.frame();
    if (!this.#tty) {
      const per = this.#app.router
        .snapshot()
        .tenants.map((t) => `${t.tenantId}=${t.processed}${t.state === "running" ? "" : `(${t.state})`}`)
        .join(" ");
      this.#out.write(`${lines[0]}  | ${per}\n`);
      return;
    }
    const up = this.#drawn > 0 ? `\x1b[${this.#drawn}A\x1b[J` : "";
    this.#out.write(`${up}${lines.join("\n")}\n`);
    this.#drawn = lines.length;
  }
}
