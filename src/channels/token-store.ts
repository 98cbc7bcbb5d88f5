// Platform access tokens (WeCom's access_token, DingTalk's accessToken): fetched once and shared by
// every instance through the ChannelToken table (src/storage/channel-tokens.ts), so a restart or
// a second instance does not fetch again (the platforms cap token fetches a day).
export interface FreshToken {
  token: string;
  expiresAt: Date;
}

export interface ChannelTokenStore {
  /**
   * The token stored under `key` while it is valid (with a margin), else `fresh()`'s, stored for
   * the others. Concurrent callers in one process share one fetch.
   */
  get(key: string, fresh: () => Promise<FreshToken>): Promise<string>;
  /** The platform refused `token`: forget it (only if it is still the stored one). */
  invalidate(key: string, token: string): Promise<void>;
}

/** Refresh this long before the platform says a token expires (clock skew, calls in flight). */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/** Where tokens outlive the process (the ChannelToken table); without one they live in it only. */
export interface TokenBacking {
  load(key: string): Promise<FreshToken | null>;
  save(key: string, token: FreshToken): Promise<void>;
  /** Forget `token` under `key`, only if it is still the one kept. */
  remove(key: string, token: string): Promise<void>;
}

/** Entries kept in the process (Telegram keeps its button references here too): the oldest go first. */
const LOCAL_MAX = 1_000;

/**
 * A token store: a bounded copy in this process, concurrent callers sharing one load, and
 * `backing` (if any) shared with other instances. `fetches` counts calls of `fresh`.
 */
export function cachedTokenStore(now: () => Date, backing?: TokenBacking): ChannelTokenStore & { fetches: number } {
  const local = new Map<string, FreshToken>();
  const inflight = new Map<string, Promise<string>>();
  const valid = (t: FreshToken | null | undefined): t is FreshToken => !!t && now().getTime() < t.expiresAt.getTime() - TOKEN_REFRESH_MARGIN_MS;
  const remember = (key: string, t: FreshToken): string => {
    local.delete(key);
    if (local.size >= LOCAL_MAX) local.delete(local.keys().next().value!);
    local.set(key, t);
    return t.token;
  };
  async function load(key: string, fresh: () => Promise<FreshToken>): Promise<string> {
    const stored = await backing?.load(key);
    if (valid(stored)) return remember(key, stored);
    store.fetches++;
    const t = await fresh();
    await backing?.save(key, t);
    return remember(key, t);
  }
  const store = {
    fetches: 0,
    get(key: string, fresh: () => Promise<FreshToken>): Promise<string> {
      const mine = local.get(key);
      if (valid(mine)) return Promise.resolve(mine.token);
      let p = inflight.get(key);
      if (!p) {
        p = load(key, fresh).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      return p;
    },
    async invalidate(key: string, token: string): Promise<void> {
      if (local.get(key)?.token === token) local.delete(key);
      await backing?.remove(key, token);
    },
  };
  return store;
}

/** A store for one process (adapter unit tests, tools); the app uses the table's. */
export function memoryTokenStore(now: () => Date = () => new Date()): ChannelTokenStore & { fetches: number } {
  return cachedTokenStore(now);
}
