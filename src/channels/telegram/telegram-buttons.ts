// Card buttons round-trip through Telegram as callback_data, which is 1-64 bytes and can be set to
// anything by a modified client ("bad clients can send arbitrary data in this field",
// https://core.telegram.org/bots/api#callbackquery). Our keys are longer (up to ~200 bytes), so a
// button carries only a signed reference: `b.<ref>.<index>.<mac>` (37 bytes). The card's keys live
// in a store shared by every instance, so a tap still resolves after a restart or on another node.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ChannelTokenStore } from "../token-store.ts";

/** What one sent card's buttons stand for. */
export interface TelegramButtonEntry {
  cardId: string;
  /** The private chat the card went to (our userId). */
  chatId: string;
  /** The buttons' keys, by index. */
  keys: string[];
}

/** Where a card's keys are kept between its send and its taps. */
export interface TelegramButtonStore {
  /** Keep `entry` under `ref` until `expiresAt`; a second put of the same ref replaces it. */
  put(ref: string, entry: TelegramButtonEntry, expiresAt: Date): Promise<void>;
  /** The entry, or null when it was never stored or has expired. */
  get(ref: string): Promise<TelegramButtonEntry | null>;
}

/** callback_data of the one inert button a decided card keeps (its label is the outcome). */
export const DONE_DATA = "done";

const REF_CHARS = 16; // 96 bits of HMAC, base64url
const MAC_CHARS = 16;
const DATA = /^b\.([A-Za-z0-9_-]{16})\.([0-9])\.([A-Za-z0-9_-]{16})$/;

function hmac(secret: string, ...parts: string[]): string {
  // NUL-separated: no part contains NUL (ids and decimal chat ids), so the message is unambiguous.
  return createHmac("sha256", secret).update(parts.join("\u0000")).digest("base64url");
}

/** The store reference of card `cardId` sent to `chatId`: the same on every retry of the send. */
export function cardRef(secret: string, chatId: string, cardId: string): string {
  return hmac(secret, "tg-card", chatId, cardId).slice(0, REF_CHARS);
}

/** callback_data for button `index` of the card stored under `ref` in chat `chatId`. */
export function buttonData(secret: string, chatId: string, ref: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 9) throw new RangeError("button index 0-9");
  return `b.${ref}.${index}.${hmac(secret, "tg-btn", chatId, ref, String(index)).slice(0, MAC_CHARS)}`;
}

/** The ref and index a callback_data names, when its mac is ours for this chat; else null. */
export function verifyButtonData(secret: string, chatId: string, data: string): { ref: string; index: number } | null {
  const m = DATA.exec(data);
  if (!m) return null;
  const [, ref, idx, mac] = m as unknown as [string, string, string, string];
  const want = Buffer.from(hmac(secret, "tg-btn", chatId, ref, idx).slice(0, MAC_CHARS));
  if (!timingSafeEqual(want, Buffer.from(mac))) return null;
  return { ref, index: Number(idx) };
}

/** One process only (unit tests, tools). */
export function memoryButtonStore(now: () => Date = () => new Date()): TelegramButtonStore & { entries: Map<string, { entry: TelegramButtonEntry; expiresAt: Date }> } {
  const entries = new Map<string, { entry: TelegramButtonEntry; expiresAt: Date }>();
  return {
    entries,
    async put(ref, entry, expiresAt) {
      entries.set(ref, { entry: structuredClone(entry), expiresAt });
    },
    async get(ref) {
      const e = entries.get(ref);
      return e && e.expiresAt.getTime() > now().getTime() ? structuredClone(e.entry) : null;
    },
  };
}

const MISSING = Symbol("missing");

/**
 * The store over the shared ChannelToken table (deps.tokens): key `telegram:buttons:<ref>`, the
 * entry as JSON in the token column, expiring with it. Works with today's deps; a dedicated
 * table would be cleaner (see the report on issue 15).
 */
export function tokenBackedButtonStore(tokens: ChannelTokenStore): TelegramButtonStore {
  const key = (ref: string) => `telegram:buttons:${ref}`;
  return {
    async put(ref, entry, expiresAt) {
      const json = JSON.stringify(entry);
      const fresh = async () => ({ token: json, expiresAt });
      // A lookup of the same ref in flight shares its (failing) fetch with us: then store anew.
      const stored = await tokens.get(key(ref), fresh).catch((err: unknown) => (err === MISSING ? tokens.get(key(ref), fresh) : Promise.reject(err)));
      if (stored === json) return;
      await tokens.invalidate(key(ref), stored);
      await tokens.get(key(ref), fresh);
    },
    async get(ref) {
      let json: string;
      try {
        json = await tokens.get(key(ref), () => Promise.reject(MISSING));
      } catch (err) {
        if (err === MISSING) return null;
        throw err;
      }
      return parseEntry(json);
    },
  };
}

function parseEntry(json: string): TelegramButtonEntry | null {
  try {
    const v = JSON.parse(json) as Partial<TelegramButtonEntry>;
    if (typeof v.cardId === "string" && typeof v.chatId === "string" && Array.isArray(v.keys) && v.keys.every((k) => typeof k === "string")) {
      return { cardId: v.cardId, chatId: v.chatId, keys: v.keys };
    }
  } catch {
    // fall through: an unreadable entry is a stale button
  }
  return null;
}
