/**
 * Failed sign-ins per client address and in total, over a sliding minute. Past either cap every
 * attempt is refused (429, Retry-After) without looking at the token, so guessing stays slow even
 * from many addresses. In memory: one process; a restart only forgets the last minute.
 */
export function createSignInLimiter(opts: { now: () => number; perClient?: number; global?: number; windowMs?: number }) {
  const perClient = opts.perClient ?? 5;
  const globalCap = opts.global ?? 30;
  const windowMs = opts.windowMs ?? 60_000;
  const byClient = new Map<string, number[]>();
  let all: number[] = [];

  const prune = (list: number[], t: number) => list.filter((x) => t - x < windowMs);
  const wait = (list: number[], cap: number, t: number) => (list.length >= cap ? Math.max(1, Math.ceil((list[list.length - cap]! + windowMs - t) / 1000)) : 0);

  return {
    /** Seconds to wait before trying again, 0 when an attempt is allowed. */
    retryAfter(client: string): number {
      const t = opts.now();
      all = prune(all, t);
      const mine = prune(byClient.get(client) ?? [], t);
      if (mine.length === 0) byClient.delete(client);
      else byClient.set(client, mine);
      return Math.max(wait(mine, perClient, t), wait(all, globalCap, t));
    },
    failed(client: string): void {
      const t = opts.now();
      all.push(t);
      // Bounded memory whatever addresses are claimed: forget idle clients first.
      if (byClient.size > 10_000) for (const [k, v] of byClient) if (t - v[v.length - 1]! >= windowMs) byClient.delete(k);
      byClient.set(client, [...(byClient.get(client) ?? []), t]);
    },
    succeeded(client: string): void {
      byClient.delete(client);
    },
  };
}
