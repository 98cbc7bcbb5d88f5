// Seeded random mutations of valid channel webhook requests, for the property loop of
// fuzz-channel-routes.test.ts: a valid request of one channel (signed as the platform signs),
// its JSON or XML content broken (wrong types, deletions, hostile strings, deep nesting) and
// often re-signed so the hostile content passes the signature, then maybe the request itself
// broken (bytes, headers, method, size).
import { mulberry32 } from "./prng.ts";
import type { Body, FuzzWorld, Req } from "./fuzz-channel-world.ts";
import { TELEGRAM } from "./fuzz-channel-world.ts";

export type Rnd = () => number;

export { mulberry32 };

const int = (r: Rnd, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** `open.repeat(n) + 1 + close.repeat(n)`: JSON nested n deep. */
export function deepJson(n: number, open: string, close: string): string {
  return `${open.repeat(n)}1${close.repeat(n)}`;
}

/** Values of every JSON type, and strings no platform sends. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  true,
  "",
  "x",
  [],
  [1, "a"],
  {},
  { a: { b: "c" } },
  "a\u0000b",
  "\ud800",
  "𠜎".repeat(200),
  "x".repeat(70_000),
  JSON.parse(deepJson(3_000, "[", "]")) as unknown,
];

/** Every path (object keys and array indexes) in a JSON value, parents before children; not below 40 deep. */
export function pathsOf(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== "object" || at.length >= 40) return [];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...at, k], ...pathsOf(x, [...at, k])]);
}

/** A copy of `root` with the value at `path` replaced (or deleted, for `undefined`); copies only along the path. */
export function setAt<T>(root: T, path: (string | number)[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [k, ...rest] = path as [string | number, ...(string | number)[]];
  const o = root as Record<string | number, unknown>;
  const copy = (Array.isArray(root) ? [...root] : { ...o }) as Record<string | number, unknown>;
  if (rest.length > 0) copy[k] = setAt(o[k], rest, value);
  else if (value !== undefined) copy[k] = value;
  else if (Array.isArray(copy)) copy.splice(Number(k), 1);
  else delete copy[k];
  return copy as T;
}

const CHARS = ["a", "Z", "7", "中", "𠜎", "😀", "\u0000", "\u0007", "\ud800", "\udfff", "\u202e", "\ufeff", '"', "\\", "<", ">", "&", "/", "\n", "%00", "{", "]", "]]>", " "];
function randomString(r: Rnd): string {
  const n = r() < 0.05 ? 500 + int(r, 5000) : int(r, 40);
  let s = "";
  for (let i = 0; i < n; i++) s += pick(r, CHARS);
  return s;
}
/** Header values must be Latin-1 (the Headers API refuses anything else). */
function randomHeader(r: Rnd): string {
  return Array.from({ length: int(r, 60) }, () => String.fromCharCode(0x20 + int(r, 0x5f))).join("");
}
function randomValue(r: Rnd): unknown {
  const x = r();
  if (x < 0.45) return pick(r, HOSTILE_VALUES);
  if (x < 0.8) return randomString(r);
  if (x < 0.9) return int(r, 2) ? -int(r, 1e9) : r() * 1e20;
  const [open, close] = pick(r, [["[", "]"], ['{"a":', "}"]] as const);
  return JSON.parse(deepJson(1 + int(r, 3000), open, close)) as unknown;
}

/** One to three content mutations of a JSON value. */
function mutateJson<T>(r: Rnd, v: T): T {
  let out = v;
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const paths = pathsOf(out);
    if (paths.length === 0) return out;
    const p = pick(r, paths);
    const op = r();
    if (op < 0.6) out = setAt(out, p, randomValue(r));
    else if (op < 0.8) out = setAt(out, p, undefined);
    else if (op < 0.9) out = setAt(out, p, [p.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], out)]);
    else out = setAt(out, [...p.slice(0, -1), randomString(r) || "k"], randomValue(r));
  }
  return out;
}

const JSON_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"];

/** Breaks the request itself: bytes, headers, method, size; sometimes nothing. */
function mutateTransport(r: Rnd, req: Req): Req {
  const x = r();
  const text = req.body?.kind === "text" ? req.body.text : "";
  const bytes = new TextEncoder().encode(text);
  const h = { ...req.headers };
  if (x < 0.5) return req;
  if (x < 0.6) {
    for (let i = 0; i < 1 + int(r, 6) && bytes.length > 0; i++) bytes[int(r, bytes.length)] = int(r, 256);
    return { ...req, body: { kind: "bytes", bytes } };
  }
  if (x < 0.67) return { ...req, body: { kind: "text", text: text.slice(0, int(r, text.length + 1)) } };
  if (x < 0.74) {
    const keys = Object.keys(h);
    if (keys.length) delete h[pick(r, keys)];
    return { ...req, headers: h };
  }
  if (x < 0.8) return { ...req, headers: { ...h, "content-type": pick(r, JSON_TYPES) } };
  if (x < 0.85) return { ...req, headers: { ...h, "content-length": pick(r, ["0", "1", "abc", "-5", "1e3", String(bytes.length + 10), "99999999999", ` ${bytes.length}`]) } };
  if (x < 0.88) return { ...req, method: pick(r, ["GET", "PUT", "DELETE", "PATCH", "HEAD"]) };
  if (x < 0.92) {
    const q = new URLSearchParams({ [pick(r, ["msg_signature", "timeStamp", "timestamp", "nonce", "signature", "echostr", randomHeader(r)])]: randomString(r) });
    return { ...req, path: `${req.path}${req.path.includes("?") ? "&" : "?"}${q}` };
  }
  const huge: Body = r() < 0.5 ? { kind: "stream", chunks: 1 + int(r, 40), chunkSize: pick(r, [1024, 8192, 70_000]), fill: pick(r, [0x20, 0x7b, 0x5b, 0xff]) } : { kind: "text", text: `${text.slice(0, -1)}${" ".repeat(70_000 + int(r, 250_000))}}` };
  return { ...req, body: huge };
}

export interface MutationContext {
  /** callback_data of a real card's buttons in chat 5010, and its message id. */
  tgData: string[];
  tgMessageId: number;
}

/** A valid request of a random channel, mutated; the label names the kind. */
export function mutateRequest(w: FuzzWorld, r: Rnd, ctx: MutationContext): { label: string; req: Req } {
  const kinds = ["tgText", "tgTap", "dtRobot", "dtCard", "dtEvent", "wecom", "web"] as const;
  const kind = pick(r, kinds);
  const content = r() < 0.85; // mutate the content, or only the transport
  let req: Req;
  switch (kind) {
    case "tgText": {
      const u = w.telegram.text(pick(r, [5011, 5012, "5013"]), pick(r, ["申请工作室", "菜单", "/start", "/start abc", "确认", randomString(r)]));
      const secret = r() < 0.9 ? TELEGRAM.secret : pick(r, ["", "wrong", `${TELEGRAM.secret} `]);
      req = w.telegram.post(content ? mutateJson(r, u) : u, secret);
      break;
    }
    case "tgTap": {
      const data = r() < 0.7 ? pick(r, ctx.tgData) : randomString(r);
      const u = w.telegram.tap(pick(r, ["5010", "5010", "5014"]), data, ctx.tgMessageId);
      req = w.telegram.post(content ? mutateJson(r, u) : u);
      break;
    }
    case "dtRobot": {
      const b = w.dingtalk.robotBody(pick(r, ["dtp1", "dtp2"]), pick(r, ["菜单", "申请工作室", randomString(r)]));
      const skew = r() < 0.85 ? 0 : pick(r, [-3_601_000, 3_601_000, -1e12]);
      req = w.dingtalk.robot(content ? mutateJson(r, b) : b, { timestamp: w.nowMs() + skew, ...(r() < 0.1 ? { sign: randomHeader(r) } : {}) });
      break;
    }
    case "dtCard": {
      const o = { outTrackId: pick(r, ["fzcard-p1", "fzcard-p2"]), userId: pick(r, ["dtp1", "dtp3"]), key: pick(r, ["ap:approve", "hc:confirm", "menu:status"]) };
      const body = w.dingtalk.cardBody(o);
      let mutated: unknown = body;
      if (content) {
        // Half the time the params inside the content string, re-serialized.
        if (r() < 0.5) mutated = { ...body, content: JSON.stringify(mutateJson(r, JSON.parse(body.content as string) as unknown)) };
        else mutated = mutateJson(r, body);
      }
      req = w.dingtalk.json(mutated);
      break;
    }
    case "dtEvent": {
      const plain = { EventType: pick(r, ["check_url", "user_add_org", "chat_update_title"]), TimeStamp: String(w.nowMs()), UserId: ["dtp1"] };
      const p = content ? mutateJson(r, plain) : plain;
      req = w.dingtalk.event(r() < 0.1 ? randomString(r) : JSON.stringify(p), r() < 0.15 ? { timestamp: pick(r, [w.nowMs() - 400_000, w.nowMs() + 400_000, "1e3", ""]) } : {});
      break;
    }
    case "wecom": {
      const xml = w.wecom.text(pick(r, ["fzp1", "fzp2", randomString(r)]), pick(r, ["菜单", randomString(r)]), r() < 0.8 ? String(8_000_000 + int(r, 1e6)) : randomString(r));
      req = w.wecom.post(xml);
      break;
    }
    case "web": {
      const m = { userId: pick(r, ["fz-p1", "fz-p2"]), clientMsgId: `fzp${int(r, 1e9)}abcd`, ...(r() < 0.5 ? { text: pick(r, ["菜单", randomString(r) || "x"]) } : { key: "ap:approve", cardId: "fzcard" }) };
      req = w.web.post(content ? mutateJson(r, m) : m);
      break;
    }
  }
  return { label: kind, req: mutateTransport(r, req) };
}
