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

/** A store for one process (adapter unit tests, tools); the app uses the table's. */
export function memoryTokenStore(now: () => Date = () => new Date()): ChannelTokenStore & { fetches: number } {
  const tokens = new Map<string, FreshToken>();
  const inflight = new Map<string, Promise<string>>();
  const store = {
    fetches: 0,
    get(key: string, fresh: () => Promise<FreshToken>): Promise<string> {
      const t = tokens.get(key);
      if (t && now().getTime() < t.expiresAt.getTime() - TOKEN_REFRESH_MARGIN_MS) return Promise.resolve(t.token);
      let p = inflight.get(key);
      if (!p) {
        store.fetches++;
        p = fresh()
          .then((f) => (tokens.set(key, f), f.token))
          .finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      return p;
    },
    async invalidate(key: string, token: string): Promise<void> {
      if (tokens.get(key)?.token === token) tokens.delete(key);
    },
  };
  return store;
}
