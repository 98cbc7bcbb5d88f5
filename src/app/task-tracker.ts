import type { Logger } from "../log/logger.ts";

/**
 * Work done after answering a webhook (WeCom retries after 5 s, so we answer first).
 * Node runs it in the background; Workers hand the promise to waitUntil. `drain()` lets
 * shutdown and tests wait until every started task has finished.
 */
export class TaskTracker {
  readonly #running = new Set<Promise<unknown>>();
  constructor(
    private readonly logger: Logger,
    private readonly waitUntil?: (p: Promise<unknown>) => void,
  ) {}

  run(name: string, task: () => Promise<unknown>): Promise<void> {
    const p = task().then(
      () => undefined,
      (err) => this.logger.error({ err, task: name }, "background task failed"),
    );
    this.#running.add(p);
    void p.finally(() => this.#running.delete(p));
    this.waitUntil?.(p);
    return p;
  }

  get size(): number {
    return this.#running.size;
  }

  /** Resolves when no task is running, including tasks started by tasks. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
