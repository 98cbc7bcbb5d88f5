// DingTalk server API client (api.dingtalk.com, v1.0): the app's accessToken through the shared
// token store, the robot's one-to-one messages, and interactive cards.
// Deliberately logs nothing: errors carry what went wrong, never a token or the secret.
import { ValidationError } from "../../domain/errors.ts";
import { ChannelApiError, ChannelHttpError } from "../channel.ts";
import type { ChannelTokenStore } from "../token-store.ts";

export interface DingtalkApiOptions {
  appKey: string;
  appSecret: string;
  robotCode: string;
  apiBase: string;
  tokens: ChannelTokenStore;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  /** Per HTTP call, default 10 s. */
  timeoutMs?: number;
}

export interface DingtalkApi {
  getAccessToken(): Promise<string>;
  /** POST /v1.0/robot/oToMessages/batchSend to one user; returns its processQueryKey. */
  sendToUser(userId: string, msgKey: "sampleText" | "sampleMarkdown", msgParam: Record<string, string>): Promise<string | undefined>;
  /** POST /v1.0/card/instances/createAndDeliver into the robot's one-to-one chat with the user. */
  /** Resolves `duplicate` when DingTalk already has a card of this outTrackId (a resend after a lost answer). */
  createAndDeliverCard(input: { userId: string; outTrackId: string; cardTemplateId: string; callbackRouteKey: string; cardParamMap: Record<string, string> }): Promise<{ duplicate?: boolean }>;
  /** PUT /v1.0/card/instances: changes only the given variables of the card. */
  updateCard(outTrackId: string, cardParamMap: Record<string, string>): Promise<void>;
}

/** DingTalk's v1.0 error codes are strings; a refusal is a ChannelApiError whose code is the HTTP status. */
const RETRYABLE_CODE = /throttl|qpslimit|flowcontrol|flow_control|systembusy|system\.busy|serviceunavailable|internalerror|timeout/i;
/** An expired or unknown accessToken (HTTP 401, or 400/403 with this code): refresh and retry. */
const TOKEN_CODE = /^(InvalidAuthentication|invalidAuthentication|InvalidAccessToken|Unauthorized)$/;
const MAX_TOKEN_REFRESHES = 2;
/**
 * A card whose outTrackId exists already. DingTalk's published list does not name this refusal, so
 * the pattern is an assumption: any such code means our earlier attempt created the card.
 */
const OUT_TRACK_ID_EXISTS = /outTrackId.*(exist|dup)/i;
/** Local (non-DingTalk) code: the platform took the call but did not deliver to our user. */
export const DINGTALK_ERR_NOT_DELIVERED = -3;

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

export function createDingtalkApi(opts: DingtalkApiOptions): DingtalkApi {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const now = opts.now ?? (() => new Date());
  const base = opts.apiBase.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const tokenKey = `dingtalk:${opts.appKey}`;

  /** One round trip: network, timeout and 5xx are ChannelHttpError; any other answer is returned parsed. */
  async function call(method: "POST" | "PUT", path: string, body: unknown, token?: string): Promise<Reply> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { "x-acs-dingtalk-access-token": token } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new ChannelHttpError("dingtalk", `dingtalk ${path}: ${timedOut ? `timed out after ${timeoutMs} ms` : "network error"}`);
    }
    if (res.status >= 500) {
      await res.body?.cancel().catch(() => undefined);
      throw new ChannelHttpError("dingtalk", `dingtalk ${path}: HTTP ${res.status}`, res.status);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      if (res.ok) throw new ChannelHttpError("dingtalk", `dingtalk ${path}: response is not JSON`, res.status);
      // A 4xx without DingTalk's JSON came from something in between (proxy, wrong base URL).
      throw new ChannelHttpError("dingtalk", `dingtalk ${path}: HTTP ${res.status}`, res.status);
    }
    return { status: res.status, json: json as Record<string, unknown> };
  }

  function isTokenError(r: Reply): boolean {
    return r.status === 401 || TOKEN_CODE.test(String(r.json["code"] ?? ""));
  }

  function apiError(path: string, r: Reply): ChannelApiError {
    const code = String(r.json["code"] ?? "");
    const message = String(r.json["message"] ?? "").slice(0, 200);
    const retryable = r.status === 429 || RETRYABLE_CODE.test(code);
    return new ChannelApiError("dingtalk", r.status, `dingtalk ${path}: HTTP ${r.status} ${code} ${message}`.trim(), retryable);
  }

  async function fetchToken(): Promise<{ token: string; expiresAt: Date }> {
    const path = "/v1.0/oauth2/accessToken";
    const r = await call("POST", path, { appKey: opts.appKey, appSecret: opts.appSecret });
    if (r.status >= 400) throw apiError(path, r);
    const token = r.json["accessToken"];
    const expireIn = Number(r.json["expireIn"] ?? 7200);
    if (typeof token !== "string" || !token) throw new ChannelHttpError("dingtalk", `dingtalk ${path}: no accessToken in response`, r.status);
    return { token, expiresAt: new Date(now().getTime() + (Number.isFinite(expireIn) ? expireIn : 7200) * 1000) };
  }

  const getAccessToken = () => opts.tokens.get(tokenKey, fetchToken);

  /** An authenticated call; a refused token is dropped from the store and fetched again. */
  async function authed(method: "POST" | "PUT", path: string, body: unknown): Promise<Record<string, unknown>> {
    for (let refreshes = 0; ; refreshes++) {
      const token = await getAccessToken();
      const r = await call(method, path, body, token);
      if (r.status < 400) return r.json;
      if (!isTokenError(r)) throw apiError(path, r);
      await opts.tokens.invalidate(tokenKey, token);
      // A token problem is ours to fix, never a reason to give a message up: retryable.
      if (refreshes >= MAX_TOKEN_REFRESHES) throw new ChannelApiError("dingtalk", r.status, `dingtalk ${path}: token refused after ${refreshes} refreshes`, true);
    }
  }

  return {
    getAccessToken,
    async sendToUser(userId, msgKey, msgParam) {
      if (!userId) throw new ValidationError("dingtalk: userId is required");
      const path = "/v1.0/robot/oToMessages/batchSend";
      const json = await authed("POST", path, { robotCode: opts.robotCode, userIds: [userId], msgKey, msgParam: JSON.stringify(msgParam) });
      // The call succeeds as a whole and lists the users it did not reach.
      const listed = (k: string) => Array.isArray(json[k]) && (json[k] as unknown[]).map(String).includes(userId);
      if (listed("flowControlledStaffIdList")) throw new ChannelApiError("dingtalk", 429, `dingtalk ${path}: user is flow-controlled`, true);
      if (listed("invalidStaffIdList")) throw new ChannelApiError("dingtalk", DINGTALK_ERR_NOT_DELIVERED, `dingtalk ${path}: invalid user id`, false);
      return typeof json["processQueryKey"] === "string" ? json["processQueryKey"] : undefined;
    },
    async createAndDeliverCard({ userId, outTrackId, cardTemplateId, callbackRouteKey, cardParamMap }) {
      if (!userId) throw new ValidationError("dingtalk: userId is required");
      const path = "/v1.0/card/instances/createAndDeliver";
      const json = await authed("POST", path, {
        cardTemplateId,
        outTrackId,
        callbackType: "HTTP",
        callbackRouteKey,
        cardData: { cardParamMap },
        openSpaceId: `dtv1.card//IM_ROBOT.${userId}`,
        imRobotOpenSpaceModel: { supportForward: false },
        imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode: opts.robotCode },
        userIdType: 1,
      }).catch((err: unknown) => {
        if (err instanceof ChannelApiError && OUT_TRACK_ID_EXISTS.test(err.message)) return undefined;
        throw err;
      });
      if (!json) return { duplicate: true };
      const results = (json["result"] as { deliverResults?: Array<{ success?: boolean; errorMsg?: string }> } | undefined)?.deliverResults;
      const failed = Array.isArray(results) ? results.find((d) => d && d.success === false) : undefined;
      if (failed) throw new ChannelApiError("dingtalk", DINGTALK_ERR_NOT_DELIVERED, `dingtalk ${path}: not delivered ${String(failed.errorMsg ?? "").slice(0, 200)}`.trim(), false);
      return {};
    },
    async updateCard(outTrackId, cardParamMap) {
      if (!outTrackId) throw new ValidationError("dingtalk: outTrackId is required to update a card");
      await authed("PUT", "/v1.0/card/instances", { outTrackId, cardData: { cardParamMap }, cardUpdateOptions: { updateCardDataByKey: true } });
    },
  };
}
