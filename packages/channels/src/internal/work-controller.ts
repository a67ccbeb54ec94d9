/**
 * One abort listener per source signal, however many works are linked to it: the source's listener list stays
 * short (adding or removing a listener walks it), and a work leaves nothing registered with a long-lived source
 * once it unlinks (a composite signal from `AbortSignal.any` stays registered with its sources until they abort).
 */
class SourceLink {
  readonly works = new Set<WorkController>();

  constructor(readonly source: AbortSignal) {
    source.addEventListener("abort", this, { once: true });
  }

  /** The source aborted: every linked work aborts with its reason. */
  handleEvent(): void {
    links.delete(this.source);
    const works = [...this.works];
    this.works.clear();
    for (const work of works) work.abort(this.source.reason);
  }

  unlink(work: WorkController): void {
    if (!this.works.delete(work) || this.works.size > 0) return;
    if (links.get(this.source) === this) links.delete(this.source);
    this.source.removeEventListener("abort", this);
  }
}

const links = new WeakMap<AbortSignal, SourceLink>();

function linkTo(source: AbortSignal, work: WorkController): SourceLink {
  let link = links.get(source);
  if (link === undefined) {
    link = new SourceLink(source);
    links.set(source, link);
  }
  link.works.add(work);
  return link;
}

/**
 * The controller of one work's signal: it aborts with the first of its sources that aborts (with that source's
 * reason), or with the reason given to `abort` once the work settled, and then leaves its sources.
 * @internal
 */
export class WorkController extends AbortController {
  private first: SourceLink | undefined = undefined;
  private second: SourceLink | undefined = undefined;

  constructor(a: AbortSignal | undefined, b: AbortSignal | undefined) {
    super();
    if (a?.aborted) super.abort(a.reason);
    else if (b?.aborted) super.abort(b.reason);
    else {
      if (a !== undefined) this.first = linkTo(a, this);
      if (b !== undefined) this.second = linkTo(b, this);
    }
  }

  override abort(reason?: unknown): void {
    this.first?.unlink(this);
    this.second?.unlink(this);
    this.first = undefined;
    this.second = undefined;
    super.abort(reason);
  }
}
