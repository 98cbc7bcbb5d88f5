// In-process fake of the WeCom server API (qyapi.weixin.qq.com), used as a `fetch`.
// Behaves like WeCom where it matters to us: access_token life cycle (40014 / 42001), per-member
// frequency limits that silently drop the excess, single-use 72 h response codes, and JSON
// {errcode, errmsg} answers. Error codes for card/response_code problems are a best guess (40058).

export interface FakeWecomOptions {
  corpId: string;
  secret: string;
  agentId: number | string;
  now?: () => Date;
  /** expires_in returned by gettoken, default 7200. */
  tokenTtlSeconds?: number;
}

export interface FakeSent {
  touser: string;
  msgtype: string;
  /** text.content or markdown.content. */
  content?: string;
  templateCard?: Record<string, unknown>;
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

export type FakePath = "message/send" | "gettoken" | "update_template_card";

export interface FakeFailure {
  kind: "http500" | "timeout" | "errcode";
  errcode?: number;
  /** How many matching calls fail, default 1. */
  times?: number;
  /** Only calls to this API; default any. */
  path?: FakePath;
}

export interface FakeWecom {
  fetch: typeof globalThis.fetch;
  sent: FakeSent[];
  updates: FakeUpdate[];
  dropped: FakeSent[];
  readonly tokenRequests: number;
  issueResponseCode(userId: string, taskId: string): string;
  injectFailure(f: FakeFailure): void;
  expireToken(): void;
  setNow(fn: () => Date): void;
}

export const FAKE_ERR_INVALID_PARAM = 40058;
const RESPONSE_CODE_TTL_MS = 72 * 3600_000;
const TASK_ID = /^[0-9A-Za-z_\-@]+$/;

export function createFakeWecom(opts: FakeWecomOptions): FakeWecom {
  let now = opts.now ?? (() => new Date());
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const codes = new Map<string, { userId: string; taskId: string; expiresAt: number; used: boolean }>();
  const taskIds = new Set<string>();
  const history = new Map<string, number[]>(); // touser → accepted send times (ms)
  const failures: Array<Required<Pick<FakeFailure, "kind" | "times">> & FakeFailure> = [];
  const sent: FakeSent[] = [];
  const updates: FakeUpdate[] = [];
  const dropped: FakeSent[] = [];
  let tokenRequests = 0;
  let seq = 0;

  const ok = (extra: Record<string, unknown> = {}) => json({ errcode: 0, errmsg: "ok", ...extra });
  const err = (errcode: number, errmsg: string) => json({ errcode, errmsg });

  function issueResponseCode(userId: string, taskId: string): string {
    const code = `rc_${++seq}_${Math.random().toString(36).slice(2, 10)}`;
    codes.set(code, { userId, taskId, expiresAt: now().getTime() + RESPONSE_CODE_TTL_MS, used: false });
    return code;
  }

  function takeFailure(path: FakePath): FakeFailure | undefined {
    const i = failures.findIndex((f) => !f.path || f.path === path);
    if (i < 0) return undefined;
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

  function send(body: Record<string, unknown>): Response {
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
      const problem = cardProblem(templateCard);
      if (problem) return err(FAKE_ERR_INVALID_PARAM, problem);
    } else {
      return err(40008, "invalid message type");
    }
    const msgid = `fake_msg_${++seq}`;
    const rec: FakeSent = { touser, msgtype, body, msgid, at: now() };
    if (content !== undefined) rec.content = content;
    if (templateCard) {
      rec.templateCard = templateCard;
      const taskId = String(templateCard["task_id"]);
      taskIds.add(taskId);
      rec.responseCode = issueResponseCode(touser, taskId);
    }
    const over = touser.split("|").map(overLimit);
    if (over.every(Boolean)) dropped.push(rec);
    else sent.push(rec);
    return ok({ invaliduser: "", invalidparty: "", invalidtag: "", msgid, ...(rec.responseCode ? { response_code: rec.responseCode } : {}) });
  }

  function cardProblem(tc: Record<string, unknown> | undefined): string | undefined {
    if (!tc || typeof tc !== "object") return "template_card missing";
    const taskId = tc["task_id"];
    if (typeof taskId !== "string" || !TASK_ID.test(taskId) || Buffer.byteLength(taskId) > 128) return "invalid task_id";
    if (taskIds.has(taskId)) return "task_id already exists";
    const buttons = tc["button_list"];
    if (tc["card_type"] === "button_interaction" && (!Array.isArray(buttons) || buttons.length === 0)) return "button_list missing";
    if (Array.isArray(buttons)) {
      if (buttons.length > 6) return "too many buttons";
      const keys = buttons.map((b: { key?: unknown }) => b?.key);
      if (keys.some((k) => typeof k !== "string" || !k || Buffer.byteLength(k) > 1024)) return "invalid button key";
      if (new Set(keys).size !== keys.length) return "duplicate button key";
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

  const fakeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const rawBody = init?.body ?? (input instanceof Request ? await input.text() : undefined);
    const path = url.pathname.replace(/^\/cgi-bin\//, "");
    const known: Record<string, FakePath> = {
      gettoken: "gettoken",
      "message/send": "message/send",
      "message/update_template_card": "update_template_card",
    };
    const name = known[path];
    if (!name) return new Response("not found", { status: 404 });

    const failure = takeFailure(name);
    if (failure?.kind === "timeout") return hang(signal);
    if (failure?.kind === "http500") return new Response("Internal Server Error", { status: 500 });
    if (failure?.kind === "errcode") return err(failure.errcode ?? -1, "injected failure");

    if (name === "gettoken") return gettoken(url);
    const bad = checkToken(url);
    if (bad) return bad;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(typeof rawBody === "string" ? rawBody : "") as Record<string, unknown>;
    } catch {
      return err(47001, "data format error");
    }
    return name === "message/send" ? send(body) : update(body);
  };

  return {
    fetch: fakeFetch as typeof globalThis.fetch,
    sent,
    updates,
    dropped,
    get tokenRequests() {
      return tokenRequests;
    },
    issueResponseCode,
    injectFailure: (f) => failures.push({ ...f, times: f.times ?? 1 }),
    expireToken: () => tokens.forEach((t) => (t.revoked = true)),
    setNow: (fn) => {
      now = fn;
    },
  };
}

function json(obj: unknown): Response {
  return new Response(JSON.stringify(obj), { status: 200, headers: { "content-type": "application/json" } });
}

/** Like a fetch to an unresponsive host: waits for the caller's abort signal. */
function hang(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) {
      setTimeout(() => reject(new TypeError("fetch failed")), 50);
      return;
    }
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
