// In-process fake of the DingTalk server API (api.dingtalk.com v1.0), used as a `fetch`.
// Behaves like DingTalk where it matters to us: accessToken life cycle (x-acs-dingtalk-access-token
// header, 401 InvalidAuthentication), error answers as JSON {code, message} with an HTTP 4xx, the
// robot's one-to-one batchSend (msgKey + msgParam as a JSON string), and card instances created
// by outTrackId and updated by key. Failures can be injected (api refusal, throttling, 5xx).

export interface FakeDingtalkOptions {
  appKey: string;
  appSecret: string;
  robotCode: string;
  /** The template createAndDeliver accepts; any other id is refused. */
  cardTemplateId?: string;
  now?: () => Date;
  /** expireIn returned by accessToken, default 7200. */
  tokenTtlSeconds?: number;
}

export interface FakeDingtalkSent {
  userId: string;
  kind: "text" | "markdown" | "card";
  /** sampleText content. */
  text?: string;
  /** sampleMarkdown title and text. */
  title?: string;
  markdown?: string;
  /** A card's outTrackId and its variables as created. */
  outTrackId?: string;
  cardParamMap?: Record<string, string>;
  body: Record<string, unknown>;
  at: Date;
}

export interface FakeDingtalkUpdate {
  outTrackId: string;
  userId: string;
  cardParamMap: Record<string, string>;
  at: Date;
}

export type FakeDingtalkPath = "accessToken" | "batchSend" | "createAndDeliver" | "updateCard";

export interface FakeDingtalkFailure {
  /** api: 400 {code: "invalidParameter"}; throttle: 403 QpsLimit; http: 500; token: 401 once. */
  kind: "api" | "throttle" | "http" | "token";
  path?: FakeDingtalkPath;
  times?: number;
}

export interface FakeDingtalk {
  fetch: typeof globalThis.fetch;
  sent: FakeDingtalkSent[];
  updates: FakeDingtalkUpdate[];
  /** Every call's path, in order (accessToken included). */
  calls: FakeDingtalkPath[];
  readonly tokenRequests: number;
  /** Current variables of a card (after updates). */
  card(outTrackId: string): { userId: string; cardParamMap: Record<string, string> } | undefined;
  injectFailure(f: FakeDingtalkFailure): void;
  /** Every issued token stops working (as after a secret reset). */
  expireTokens(): void;
}

/** As DingTalk answers a call with a wrong, expired or missing token. */
export const FAKE_TOKEN_ERROR = { code: "InvalidAuthentication", message: "不合法的access_token" };
/** DingTalk's answer past an API's QPS limit (HTTP 403). */
export const FAKE_THROTTLE_ERROR = { code: "Forbidden.AccessDenied.QpsLimitForApi", message: "调用频率超过限制" };

export function createFakeDingtalk(opts: FakeDingtalkOptions): FakeDingtalk {
  const now = opts.now ?? (() => new Date());
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const cards = new Map<string, { userId: string; cardParamMap: Record<string, string> }>();
  const failures: Array<FakeDingtalkFailure & { times: number }> = [];
  const sent: FakeDingtalkSent[] = [];
  const updates: FakeDingtalkUpdate[] = [];
  const calls: FakeDingtalkPath[] = [];
  let tokenRequests = 0;
  let seq = 0;

  const ok = (obj: unknown) => new Response(JSON.stringify(obj), { status: 200, headers: { "content-type": "application/json" } });
  const refuse = (status: number, code: string, message: string) => new Response(JSON.stringify({ requestid: `req_${++seq}`, code, message }), { status, headers: { "content-type": "application/json" } });

  function takeFailure(path: FakeDingtalkPath): FakeDingtalkFailure | undefined {
    const i = failures.findIndex((f) => !f.path || f.path === path);
    if (i < 0) return undefined;
    const f = failures[i]!;
    if (--f.times <= 0) failures.splice(i, 1);
    return f;
  }

  function tokenProblem(headers: Headers): Response | undefined {
    const t = headers.get("x-acs-dingtalk-access-token");
    const rec = t ? tokens.get(t) : undefined;
    if (!rec || rec.revoked || now().getTime() >= rec.expiresAt) return refuse(401, FAKE_TOKEN_ERROR.code, FAKE_TOKEN_ERROR.message);
    return undefined;
  }

  function accessToken(body: Record<string, unknown>): Response {
    tokenRequests++;
    if (body["appKey"] !== opts.appKey || body["appSecret"] !== opts.appSecret) return refuse(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
    const token = `fake_dt_token_${++seq}_${Math.random().toString(36).slice(2)}`;
    tokens.set(token, { expiresAt: now().getTime() + ttl * 1000, revoked: false });
    return ok({ accessToken: token, expireIn: ttl });
  }

  function batchSend(body: Record<string, unknown>): Response {
    if (body["robotCode"] !== opts.robotCode) return refuse(400, "invalidParameter.robotCode", "robotCode 无效");
    const userIds = body["userIds"];
    if (!Array.isArray(userIds) || userIds.length === 0 || userIds.some((u) => typeof u !== "string" || !u)) return refuse(400, "invalidParameter.userIds", "userIds 无效");
    let param: Record<string, unknown>;
    try {
      param = JSON.parse(String(body["msgParam"])) as Record<string, unknown>;
    } catch {
      return refuse(400, "invalidParameter.msgParam", "msgParam 不是 JSON");
    }
    const msgKey = body["msgKey"];
    for (const userId of userIds as string[]) {
      const rec: FakeDingtalkSent = { userId, kind: "text", body, at: now() };
      if (msgKey === "sampleText" && typeof param["content"] === "string" && param["content"]) rec.text = param["content"];
      else if (msgKey === "sampleMarkdown" && typeof param["text"] === "string" && typeof param["title"] === "string" && param["text"]) {
        Object.assign(rec, { kind: "markdown", title: param["title"], markdown: param["text"] });
      } else return refuse(400, "invalidParameter.msgParam", `msgParam 不符合 ${String(msgKey)}`);
      sent.push(rec);
    }
    return ok({ processQueryKey: `pqk_${++seq}`, invalidStaffIdList: [], flowControlledStaffIdList: [] });
  }

  function createAndDeliver(body: Record<string, unknown>): Response {
    const outTrackId = body["outTrackId"];
    if (typeof outTrackId !== "string" || !outTrackId) return refuse(400, "param.outTrackIdEmpty", "param.outTrackIdEmpty");
    if (body["cardTemplateId"] !== opts.cardTemplateId) return refuse(400, "param.cardTemplateIdInvalid", "卡片模板不存在");
    // Not in DingTalk's published list: we assume a reused outTrackId is refused.
    if (cards.has(outTrackId)) return refuse(400, "param.outTrackIdDuplicate", "outTrackId 已存在");
    const deliver = body["imRobotOpenDeliverModel"] as { spaceType?: unknown; robotCode?: unknown } | undefined;
    if (deliver?.spaceType !== "IM_ROBOT" || deliver.robotCode !== opts.robotCode) return refuse(400, "param.openSpaceModelInvalid", "param.openSpaceModelInvalid");
    const m = /^dtv1\.card\/\/IM_ROBOT\.(.+)$/.exec(String(body["openSpaceId"] ?? ""));
    if (!m) return refuse(400, "param.openSpaceIdInvalid", "openSpaceId 无效");
    const map = (body["cardData"] as { cardParamMap?: unknown } | undefined)?.cardParamMap;
    if (!map || typeof map !== "object" || Object.values(map).some((v) => typeof v !== "string")) return refuse(400, "param.cardParamMapInvalid", "cardParamMap 的值必须是字符串");
    const userId = m[1]!;
    const cardParamMap = { ...(map as Record<string, string>) };
    cards.set(outTrackId, { userId, cardParamMap });
    sent.push({ userId, kind: "card", outTrackId, cardParamMap: { ...cardParamMap }, body, at: now() });
    return ok({ success: true, result: { outTrackId, deliverResults: [{ spaceType: "IM_ROBOT", spaceId: userId, success: true, carrierId: `carrier_${++seq}` }] } });
  }

  function updateCard(body: Record<string, unknown>): Response {
    const outTrackId = String(body["outTrackId"] ?? "");
    const card = cards.get(outTrackId);
    if (!card) return refuse(400, "param.cardNotExist", "卡片不存在");
    const map = (body["cardData"] as { cardParamMap?: unknown } | undefined)?.cardParamMap;
    if (!map || typeof map !== "object") return refuse(400, "param.cardParamMapInvalid", "cardParamMap 无效");
    const byKey = (body["cardUpdateOptions"] as { updateCardDataByKey?: unknown } | undefined)?.updateCardDataByKey === true;
    card.cardParamMap = byKey ? { ...card.cardParamMap, ...(map as Record<string, string>) } : { ...(map as Record<string, string>) };
    updates.push({ outTrackId, userId: card.userId, cardParamMap: { ...(map as Record<string, string>) }, at: now() });
    return ok({ success: true, result: true });
  }

  const routes: Record<string, FakeDingtalkPath> = {
    "POST /v1.0/oauth2/accessToken": "accessToken",
    "POST /v1.0/robot/oToMessages/batchSend": "batchSend",
    "POST /v1.0/card/instances/createAndDeliver": "createAndDeliver",
    "PUT /v1.0/card/instances": "updateCard",
  };

  const fakeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    const path = routes[`${req.method} ${url.pathname}`];
    if (!path) return refuse(404, "NotFound", "not found");
    calls.push(path);
    let body: Record<string, unknown>;
    try {
      body = (await req.json()) as Record<string, unknown>;
    } catch {
      return refuse(400, "invalidParameter", "body is not JSON");
    }
    const failure = takeFailure(path);
    if (failure?.kind === "http") return new Response("Internal Server Error", { status: 500 });
    if (failure?.kind === "api") return refuse(400, "invalidParameter", "injected failure");
    if (failure?.kind === "throttle") return refuse(403, FAKE_THROTTLE_ERROR.code, FAKE_THROTTLE_ERROR.message);
    if (failure?.kind === "token") return refuse(401, FAKE_TOKEN_ERROR.code, FAKE_TOKEN_ERROR.message);
    if (path === "accessToken") return accessToken(body);
    const bad = tokenProblem(req.headers);
    if (bad) return bad;
    if (path === "batchSend") return batchSend(body);
    if (path === "createAndDeliver") return createAndDeliver(body);
    return updateCard(body);
  };

  return {
    fetch: fakeFetch as typeof globalThis.fetch,
    sent,
    updates,
    calls,
    get tokenRequests() {
      return tokenRequests;
    },
    card: (id) => cards.get(id),
    injectFailure: (f) => failures.push({ ...f, times: f.times ?? 1 }),
    expireTokens: () => tokens.forEach((t) => (t.revoked = true)),
  };
}
