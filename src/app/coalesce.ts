/**
 * Wraps a job so that calls during a run do not start a second concurrent run, but do cause
 * exactly one more run afterwards (nothing enqueued meanwhile waits for the next timer tick).
 */
export function coalesce(job: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async (): Promise<void> => {
    let failure: unknown;
    do {
      again = false;
      try {
        await job();
      } catch (err) {
        failure = err; // a failed run does not cancel the one asked for meanwhile
      }
    } while (again);
    if (failure !== undefined) throw failure;
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => {
      running = null;
    });
    return running;
  };
}
