// In-process fake of the WeCom server API (qyapi.weixin.qq.com), used as a `fetch`.
// Behaves like WeCom where it matters to us: access_token life cycle (40014 / 42001), per-member
// frequency limits that silently drop the excess, single-use 72 h response codes, message/send's
// duplicate check (enable_duplicate_check), task_id uniqueness, media/upload (multipart) and image
// messages of uploaded media ids, and JSON {errcode, errmsg}
// answers. Faults can be injected before delivery (nothing delivered) or after it (delivered,
// but the answer is lost), which is what makes a retry ambiguous.

export interface FakeWecomOptions {
  corpId: string;
  secret: string;
  agentId: number | string;
  now?: () => Date;
  /** expires_in returned by gettoken, default 7200. */
  tokenTtlSeconds?: number;
  /**
   * A "timeout" fault normally waits for the caller's abort signal (its real timeout). With this
   * set it rejects after so many real ms with a TimeoutError, as AbortSignal.timeout would: tests
   * get a timeout without waiting 10 s.
   */
  hangMs?: number;
}

export interface FakeSent {
  touser: string;
  msgtype: string;
  /** text.content or markdown.content, as sent (invisible variant marks included). */
  content?: string;
  templateCard?: Record<string, unknown>;
  /** An image message's media_id (one from media/upload). */
  mediaId?: string;
  body: Record<string, unknown>;
  msgid: string;
  responseCode?: string;
  at: Date;
}

export interface FakeUpdate {
  userids: string[];
  responseCode: string;
  replaceName?: string;
  /** task_id the response code belonged to. */
  taskId?: string;
  body: Record<string, unknown>;
  at: Date;
}

export type FakePath = "message/send" | "gettoken" | "update_template_card" | "media/get" | "media/upload";

/** A file taken by media/upload. */
export interface FakeUpload {
  mediaId: string;
  /** The `type` query parameter (image, voice, video, file). */
  type: string;
  size: number;
  contentType: string;
  fileName: string;
  bytes: Uint8Array;
  at: Date;
}

export interface FakeFailure {
  kind: "http500" | "timeout" | "errcode";
  errcode?: number;
  /** How many matching calls fail, default 1. */
  times?: number;
  /** Only calls to this API; default any. */
  path?: FakePath;
  /** Only message/send calls to this member. */
  touser?: string;
  /**
   * "before" (default): nothing is delivered. "after": the call is processed (a message is
   * delivered) and then the answer is a 5xx or never comes. Ignored for "errcode".
   */
  when?: "before" | "after";
}

/** A call as the fault policy sees it. */
export interface FakeCall {
  path: FakePath;
  touser?: string;
  /** text/markdown content, or the card's task_id. */
  content?: string;
}

/** What happened, in order: tests assert on the sequence instead of on wall time. */
export interface FakeEvent {
  n: number;
  type: "call" | "delivered" | "duplicate" | "dropped" | "refused" | "http500" | "timeout";
  path: FakePath;
  touser?: string;
  content?: string;
  errcode?: number;
}

export interface FakeWecom {
  fetch: typeof globalThis.fetch;
  /** Messages delivered to members (what they see), in order. */
  sent: FakeSent[];
  /** Files taken by media/upload, in order. */
  uploads: FakeUpload[];
  updates: FakeUpdate[];
  dropped: FakeSent[];
  events: FakeEvent[];
  readonly tokenRequests: number;
  /** Calls currently hanging on a "timeout" fault. */
  readonly hanging: number;
  issueResponseCode(userId: string, taskId: string): string;
  injectFailure(f: FakeFailure): void;
  /** Asked on every call no injected failure matched (e.g. random faults). */
  setFaultPolicy(fn: ((call: FakeCall) => FakeFailure | undefined) | undefined): void;
  /** End every hanging call now with a TimeoutError (as if the client's timeout fired). */
  releaseHangs(): void;
  /** Resolves true at the first event matching, or false after `realMs` without one. */
  waitForEvent(match: (e: FakeEvent) => boolean, realMs?: number): Promise<boolean>;
  expireToken(): void;
  setNow(fn: () => Date): void;
  /** media/get serves these bytes for this media id; any other id gets 40007. */
  registerMedia(mediaId: string, bytes: Uint8Array, contentType?: string): void;
}

export const FAKE_ERR_INVALID_PARAM = 40058;
/**
 * WeCom's answer to a template card whose task_id was used before (errmsg "taskid has existed or
 * empty or exceed max len"), as reported on developers.weixin.qq.com (2022); the official code
 * list does not name it, so this is observed behaviour, not documentation.
 */
export const FAKE_ERR_TASK_ID_EXISTS = 42014;
const RESPONSE_CODE_TTL_MS = 72 * 3600_000;
const TASK_ID = /^[0-9A-Za-z_\-@]+$/;
/** duplicate_check_interval: default 1800 s, at most 4 hours. */
const DUP_DEFAULT_S = 1800;
const DUP_MAX_S = 14_400;

export function createFakeWecom(opts: FakeWecomOptions): FakeWecom {
  let now = opts.now ?? (() => new Date());
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const codes = new Map<string, { userId: string; taskId: string; expiresAt: number; used: boolean }>();
  const taskIds = new Set<string>();
  const history = new Map<string, number[]>(); // touser → accepted send times (ms)
  // request json → when it was accepted; what WeCom's duplicate check compares.
  const accepted = new Map<string, { at: number; msgid: string; responseCode?: string }>();
  const failures: Array<Required<Pick<FakeFailure, "kind" | "times">> & FakeFailure> = [];
  let policy: ((call: FakeCall) => FakeFailure | undefined) | undefined;
  const hangs = new Set<(err: unknown) => void>();
  const waiters = new Set<{ match: (e: FakeEvent) => boolean; resolve: (v: boolean) => void }>();
  const sent: FakeSent[] = [];
  const uploads: FakeUpload[] = [];
  const updates: FakeUpdate[] = [];
  const dropped: FakeSent[] = [];
  const events: FakeEvent[] = [];
  let tokenRequests = 0;
  let seq = 0;
  const media = new Map<string, { bytes: Uint8Array; contentType: string }>();

  const ok = (extra: Record<string, unknown> = {}) => json({ errcode: 0, errmsg: "ok", ...extra });
  const err = (errcode: number, errmsg: string) => json({ errcode, errmsg });

  function record(e: Omit<FakeEvent, "n">): void {
    const ev = { n: events.length + 1, ...e };
    events.push(ev);
    for (const w of waiters) {
      if (!w.match(ev)) continue;
      waiters.delete(w);
      w.resolve(true);
    }
  }

  function issueResponseCode(userId: string, taskId: string): string {
    const code = `rc_${++seq}_${Math.random().toString(36).slice(2, 10)}`;
    codes.set(code, { userId, taskId, expiresAt: now().getTime() + RESPONSE_CODE_TTL_MS, used: false });
    return code;
  }

  function takeFailure(call: FakeCall): FakeFailure | undefined {
    const { path, touser } = call;
    const i = failures.findIndex((f) => (!f.path || f.path === path) && (!f.touser || f.touser === touser));
    if (i < 0) return policy?.(call);
    const f = failures[i]!;
    if (--f.times <= 0) failures.splice(i, 1);
    return f;
  }

  function checkToken(url: URL): Response | undefined {
    const t = url.searchParams.get("access_token");
    if (!t) return err(41001, "access_token missing");
    const rec = tokens.get(t);
    if (!rec) return err(40014, "invalid access_token");
    if (rec.revoked || now().getTime() >= rec.expiresAt) return err(42001, "access_token expired");
    return undefined;
  }

  /** WeCom drops, without an error, what exceeds 30/min or 1000/h for one member. */
  function overLimit(user: string): boolean {
    const t = now().getTime();
    const times = (history.get(user) ?? []).filter((x) => t - x < 3600_000);
    history.set(user, times);
    const lastMinute = times.filter((x) => t - x < 60_000).length;
    if (lastMinute >= 30 || times.length >= 1000) return true;
    times.push(t);
    return false;
  }

  function gettoken(url: URL): Response {
    tokenRequests++;
    if (url.searchParams.get("corpid") !== opts.corpId) return err(40013, "invalid corpid");
    if (url.searchParams.get("corpsecret") !== opts.secret) return err(40001, "invalid credential");
    const token = `fake_token_${++seq}_${Math.random().toString(36).slice(2)}`;
    tokens.set(token, { expiresAt: now().getTime() + ttl * 1000, revoked: false });
    return ok({ access_token: token, expires_in: ttl });
  }

  function send(body: Record<string, unknown>, rawJson: string): Response {
    if (String(body["agentid"]) !== String(opts.agentId)) return err(40056, "invalid agentid");
    const touser = typeof body["touser"] === "string" ? body["touser"] : "";
    const msgtype = String(body["msgtype"] ?? "");
    if (!touser) return err(40031, "invalid userid list");
    let content: string | undefined;
    let templateCard: Record<string, unknown> | undefined;
    if (msgtype === "text" || msgtype === "markdown") {
      const c = (body[msgtype] as { content?: unknown } | undefined)?.content;
      if (typeof c !== "string" || !c) return err(41009, "missing content");
      content = c;
    } else if (msgtype === "template_card") {
      templateCard = body["template_card"] as Record<string, unknown> | undefined;
    } else if (msgtype === "image") {
      const id = (body["image"] as { media_id?: unknown } | undefined)?.media_id;
      if (typeof id !== "string" || !media.has(id)) return err(40007, "invalid media_id");
      content = undefined;
    } else {
      return err(40008, "invalid message type");
    }
    // "在一定时间间隔内，同样内容(请求json)的消息，不会重复收到". WeCom does not document the
    // answer to a suppressed duplicate; we assume a plain success naming the first message.
    const t = now().getTime();
    if (Number(body["enable_duplicate_check"]) === 1) {
      const interval = Math.min(DUP_MAX_S, Number(body["duplicate_check_interval"] ?? DUP_DEFAULT_S) || DUP_DEFAULT_S);
      const prev = accepted.get(rawJson);
      if (prev && t - prev.at < interval * 1000) {
        record({ type: "duplicate", path: "message/send", touser, ...(content !== undefined ? { content } : {}) });
        return ok({ invaliduser: "", invalidparty: "", invalidtag: "", msgid: prev.msgid, ...(prev.responseCode ? { response_code: prev.responseCode } : {}) });
      }
    }
    if (templateCard) {
      const problem = cardProblem(templateCard);
      if (problem) {
        record({ type: "refused", path: "message/send", touser, errcode: problem[0] });
        return err(...problem);
      }
    }
    const msgid = `fake_msg_${++seq}`;
    const rec: FakeSent = { touser, msgtype, body, msgid, at: now() };
    if (content !== undefined) rec.content = content;
    if (msgtype === "image") rec.mediaId = String((body["image"] as { media_id: string }).media_id);
    if (templateCard) {
      rec.templateCard = templateCard;
      const taskId = String(templateCard["task_id"]);
      taskIds.add(taskId);
      rec.responseCode = issueResponseCode(touser, taskId);
    }
    accepted.set(rawJson, { at: t, msgid, ...(rec.responseCode ? { responseCode: rec.responseCode } : {}) });
    const over = touser.split("|").map(overLimit);
    if (over.every(Boolean)) dropped.push(rec);
    else sent.push(rec);
    record({ type: over.every(Boolean) ? "dropped" : "delivered", path: "message/send", touser, ...(content !== undefined ? { content } : {}) });
    return ok({ invaliduser: "", invalidparty: "", invalidtag: "", msgid, ...(rec.responseCode ? { response_code: rec.responseCode } : {}) });
  }

  function cardProblem(tc: Record<string, unknown> | undefined): [number, string] | undefined {
    if (!tc || typeof tc !== "object") return [FAKE_ERR_INVALID_PARAM, "template_card missing"];
    const taskId = tc["task_id"];
    if (typeof taskId !== "string" || !taskId || Buffer.byteLength(taskId) > 128 || taskIds.has(taskId)) {
      return [FAKE_ERR_TASK_ID_EXISTS, "taskid has existed or empty or exceed max len"];
    }
    if (!TASK_ID.test(taskId)) return [FAKE_ERR_INVALID_PARAM, "invalid task_id"];
    const buttons = tc["button_list"];
    if (tc["card_type"] === "button_interaction" && (!Array.isArray(buttons) || buttons.length === 0)) return [FAKE_ERR_INVALID_PARAM, "button_list missing"];
    if (Array.isArray(buttons)) {
      if (buttons.length > 6) return [FAKE_ERR_INVALID_PARAM, "too many buttons"];
      const keys = buttons.map((b: { key?: unknown }) => b?.key);
      if (keys.some((k) => typeof k !== "string" || !k || Buffer.byteLength(k) > 1024)) return [FAKE_ERR_INVALID_PARAM, "invalid button key"];
      if (new Set(keys).size !== keys.length) return [FAKE_ERR_INVALID_PARAM, "duplicate button key"];
    }
    return undefined;
  }

  function update(body: Record<string, unknown>): Response {
    if (String(body["agentid"]) !== String(opts.agentId)) return err(40056, "invalid agentid");
    const responseCode = String(body["response_code"] ?? "");
    const rec = codes.get(responseCode);
    if (!rec || rec.used || now().getTime() >= rec.expiresAt) {
      return err(FAKE_ERR_INVALID_PARAM, "invalid response_code (unknown, used or expired)");
    }
    rec.used = true;
    const userids = Array.isArray(body["userids"]) ? body["userids"].map(String) : [];
    const button = body["button"] as { replace_name?: unknown } | undefined;
    const u: FakeUpdate = { userids, responseCode, taskId: rec.taskId, body, at: now() };
    if (typeof button?.replace_name === "string") u.replaceName = button.replace_name;
    updates.push(u);
    return ok();
  }

  /** Like a fetch to an unresponsive host: waits for the caller's abort signal (or hangMs). */
  function hang(signal: AbortSignal | null | undefined, path: FakePath, touser: string | undefined): Promise<never> {
    return new Promise((_, reject) => {
      const done = (e: unknown) => {
        if (!hangs.delete(done)) return;
        record({ type: "timeout", path, ...(touser ? { touser } : {}) });
        reject(e);
      };
      hangs.add(done);
      const timeoutError = () => new DOMException("The operation was aborted due to timeout", "TimeoutError");
      if (opts.hangMs !== undefined) setTimeout(() => done(timeoutError()), opts.hangMs);
      else if (!signal) setTimeout(() => done(new TypeError("fetch failed")), 50);
      if (signal?.aborted) return done(signal.reason);
      signal?.addEventListener("abort", () => done(signal.reason), { once: true });
    });
  }

  const fakeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const rawBody = init?.body ?? (input instanceof Request ? await input.text() : undefined);
    const path = url.pathname.replace(/^\/cgi-bin\//, "");
    const known: Record<string, FakePath> = {
      gettoken: "gettoken",
      "message/send": "message/send",
      "message/update_template_card": "update_template_card",
      "media/get": "media/get",
      "media/upload": "media/upload",
    };
    const name = known[path];
    if (!name) return new Response("not found", { status: 404 });
    // media/upload is multipart: decode it the way a server would, from the encoded request.
    let form: FormData | undefined;
    if (name === "media/upload") form = await new Request(url, { method: "POST", body: init?.body ?? null }).formData().catch(() => undefined);
    let body: Record<string, unknown> | undefined;
    try {
      body = typeof rawBody === "string" ? (JSON.parse(rawBody) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const touser = typeof body?.["touser"] === "string" ? body["touser"] : undefined;
    record({ type: "call", path: name, ...(touser ? { touser } : {}) });

    const msgtype = typeof body?.["msgtype"] === "string" ? body["msgtype"] : "";
    const part = body?.[msgtype] as { content?: unknown; task_id?: unknown; media_id?: unknown } | undefined;
    const content = typeof part?.content === "string" ? part.content : typeof part?.task_id === "string" ? part.task_id : typeof part?.media_id === "string" ? part.media_id : undefined;
    const failure = takeFailure({ path: name, ...(touser ? { touser } : {}), ...(content !== undefined ? { content } : {}) });
    const after = failure?.when === "after" && failure.kind !== "errcode";
    if (failure && !after) {
      if (failure.kind === "timeout") return hang(signal, name, touser);
      if (failure.kind === "http500") {
        record({ type: "http500", path: name, ...(touser ? { touser } : {}) });
        return new Response("Internal Server Error", { status: 500 });
      }
      return err(failure.errcode ?? -1, "injected failure");
    }

    const res = name === "media/upload" ? (checkToken(url) ?? (await upload(url, form))) : await handle(name, url, body, typeof rawBody === "string" ? rawBody : "");
    if (!failure || !after) return res;
    // Delivered, but the caller never learns it.
    if (failure.kind === "timeout") return hang(signal, name, touser);
    record({ type: "http500", path: name, ...(touser ? { touser } : {}) });
    return new Response("Bad Gateway", { status: 502 });
  };

  /** media/upload: field "media", an image 5 B–10 MB of PNG or JPEG; answers {type, media_id, created_at}. */
  async function upload(url: URL, form: FormData | undefined): Promise<Response> {
    const type = url.searchParams.get("type") ?? "";
    if (!["image", "voice", "video", "file"].includes(type)) return err(40004, "invalid media type");
    const file = form?.get("media");
    if (!(file instanceof Blob)) return err(41005, "media data missing");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    const refuse = (errcode: number, errmsg: string) => (record({ type: "refused", path: "media/upload", errcode }), err(errcode, errmsg));
    if (type === "image" && (bytes.length < 5 || bytes.length > 10 * 1024 * 1024)) return refuse(40006, "invalid file size");
    if (type === "image" && !png && !jpeg) return refuse(40005, "invalid file type");
    const mediaId = `fake_media_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
    media.set(mediaId, { bytes, contentType: file.type || "application/octet-stream" });
    uploads.push({ mediaId, type, size: bytes.length, contentType: file.type, fileName: file instanceof File ? file.name : "", bytes, at: now() });
    record({ type: "delivered", path: "media/upload" });
    return ok({ type, media_id: mediaId, created_at: String(Math.floor(now().getTime() / 1000)) });
  }

  async function handle(name: FakePath, url: URL, body: Record<string, unknown> | undefined, raw: string): Promise<Response> {
    if (name === "gettoken") return gettoken(url);
    const bad = checkToken(url);
    if (bad) return bad;
    if (name === "media/get") {
      // The file itself with its type and a filename, as WeCom answers; JSON only on error.
      const m = media.get(url.searchParams.get("media_id") ?? "");
      if (!m) return err(40007, "invalid media_id");
      record({ type: "delivered", path: "media/get" });
      return new Response(m.bytes.slice(), { status: 200, headers: { "content-type": m.contentType, "content-length": String(m.bytes.byteLength), "content-disposition": `attachment; filename="${url.searchParams.get("media_id")}.jpg"` } });
    }
    if (!body) return err(47001, "data format error");
    return name === "message/send" ? send(body, canonical(raw)) : update(body);
  }

  return {
    fetch: fakeFetch as typeof globalThis.fetch,
    sent,
    uploads,
    updates,
    dropped,
    events,
    get tokenRequests() {
      return tokenRequests;
    },
    get hanging() {
      return hangs.size;
    },
    issueResponseCode,
    injectFailure: (f) => failures.push({ ...f, times: f.times ?? 1 }),
    setFaultPolicy: (fn) => {
      policy = fn;
    },
    releaseHangs: () => {
      for (const done of [...hangs]) done(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    },
    waitForEvent: (match, realMs = 2_000) =>
      new Promise<boolean>((resolve) => {
        if (events.some(match)) return resolve(true);
        const w = { match, resolve };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w)) resolve(false);
        }, realMs);
      }),
    expireToken: () => tokens.forEach((t) => (t.revoked = true)),
    setNow: (fn) => {
      now = fn;
    },
    registerMedia: (mediaId, bytes, contentType = "image/jpeg") => {
      media.set(mediaId, { bytes: new Uint8Array(bytes), contentType });
    },
  };
}

/** The request json as WeCom would compare it: parsed and re-serialized (whitespace aside). */
function canonical(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return raw;
  }
}

function json(obj: unknown): Response {
  return new Response(JSON.stringify(obj), { status: 200, headers: { "content-type": "application/json" } });
}
