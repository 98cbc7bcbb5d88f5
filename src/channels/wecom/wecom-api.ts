// WeCom server API client (self-built app): access_token cache, message/send, update_template_card,
// media/get and media/upload.
// Deliberately logs nothing: errors carry what went wrong, never a token or the secret.
import type { Card } from "../../domain/chat.ts";
import { ValidationError } from "../../domain/errors.ts";
import { buildButtonInteractionCard } from "./wecom-card.ts";
import { readStreamCapped } from "../read-capped-body.ts";
import { ChannelApiError, ChannelHttpError } from "../channel.ts";
import { memoryTokenStore, type ChannelTokenStore, type FreshToken } from "../token-store.ts";

export interface WecomApiOptions {
  corpId: string;
  secret: string;
  agentId: number | string;
  apiBase?: string;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  /** Per HTTP call, default 10 s. */
  timeoutMs?: number;
  /** duplicate_check_interval of message/send in seconds, default (and at most) 14400. */
  duplicateCheckSeconds?: number;
  /** Where the access token is kept (the app: the ChannelToken table); default this process only. */
  tokens?: ChannelTokenStore;
}

export interface WecomSendResult {
  msgid?: string;
  /** Returned for interactive template cards: one update_template_card call, valid 72 h. */
  responseCode?: string;
  /** WeCom refused a card as already sent (its task_id exists): it was delivered before. */
  duplicate?: boolean;
}

export interface WecomApi {
  getAccessToken(): Promise<string>;
  sendText(touser: string, content: string): Promise<WecomSendResult>;
  sendMarkdown(touser: string, content: string): Promise<WecomSendResult>;
  sendTemplateCard(touser: string, card: Card): Promise<WecomSendResult>;
  updateTemplateCardButton(input: { userids: string[]; responseCode: string; replaceName: string }): Promise<void>;
  /** media/get: a temporary media file (an image message's MediaId, valid 3 days). */
  getMedia(mediaId: string): Promise<WecomMedia>;
  /** media/upload?type=image: a temporary image (valid 3 days); returns its media_id. */
  uploadImage(bytes: Uint8Array, fileName?: string): Promise<string>;
  /** message/send msgtype image, of an uploaded media_id. */
  sendImage(touser: string, mediaId: string): Promise<WecomSendResult>;
}

export interface WecomMedia {
  bytes: Uint8Array;
  contentType: string;
  fileName?: string;
}

/** Larger media files are refused rather than held in memory (WeCom images are at most 10 MB). */
export const WECOM_MEDIA_MAX_BYTES = 10 * 1024 * 1024;
/** media/upload: an image is at least 5 bytes and at most 10 MB (JPG or PNG). */
export const WECOM_IMAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/** media/get: invalid (or expired) media_id. */
export const WECOM_ERR_INVALID_MEDIA_ID = 40007;

/** System busy and the frequency limits: worth retrying later. */
export const WECOM_RETRYABLE_CODES: ReadonlySet<number> = new Set([-1, 45009, 45033, 45047]);
/** invalid / expired / not-latest access_token: refresh and retry. */
const TOKEN_ERRCODES = new Set([40014, 42001, 40001]);
/** Token refreshes within one call; then a retryable error (the outbox tries again later). */
const MAX_TOKEN_REFRESHES = 2;
/**
 * message/send's duplicate check: "在一定时间间隔内，同样内容(请求json)的消息，不会重复收到".
 * At most 4 hours; the outbox keeps every retry of a message inside this window.
 */
export const WECOM_DUPLICATE_CHECK_MAX_SECONDS = 14_400;
/**
 * A template card whose task_id was used before: errmsg "taskid has existed or empty or exceed
 * max len". Not in WeCom's published code list; taken from an answer on developers.weixin.qq.com
 * (2022), so treat it as observed, not documented. We validate emptiness and length before
 * sending, so after validation it means the card was already sent: delivered.
 */
export const WECOM_ERR_TASK_ID_EXISTS = 42014;


interface WecomReply {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

export function createWecomApi(opts: WecomApiOptions): WecomApi {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const now = opts.now ?? (() => new Date());
  const base = (opts.apiBase ?? "https://qyapi.weixin.qq.com").replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const agentid = Number(opts.agentId);
  const duplicateCheckSeconds = Math.min(WECOM_DUPLICATE_CHECK_MAX_SECONDS, opts.duplicateCheckSeconds ?? WECOM_DUPLICATE_CHECK_MAX_SECONDS);

  // Shared by every instance through the ChannelToken table (WeCom caps gettoken calls a day).
  const tokens = opts.tokens ?? memoryTokenStore(now);
  const tokenKey = `wecom:${opts.corpId}:${opts.agentId}`;

  /** One HTTP round trip with the timeout; a network error, timeout or non-2xx is a ChannelHttpError. */
  async function fetchOk(path: string, url: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new ChannelHttpError("wecom", `wecom ${path}: ${timedOut ? `timed out after ${timeoutMs} ms` : "network error"}`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new ChannelHttpError("wecom", `wecom ${path}: HTTP ${res.status}`, res.status);
    }
    return res;
  }

  /** A JSON body, or multipart form data (media/upload: fetch sets the boundary). */
  async function call(method: "GET" | "POST", path: string, query: Record<string, string>, body?: unknown): Promise<WecomReply> {
    const url = `${base}/cgi-bin/${path}?${new URLSearchParams(query)}`;
    const form = body instanceof FormData;
    const res = await fetchOk(path, url, {
      method,
      headers: body === undefined || form ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new ChannelHttpError("wecom", `wecom ${path}: response is not JSON`, res.status);
    }
    if (typeof json !== "object" || json === null) throw new ChannelHttpError("wecom", `wecom ${path}: unexpected response`, res.status);
    return json as WecomReply;
  }

  function apiError(path: string, reply: WecomReply): ChannelApiError {
    const code = Number(reply.errcode);
    return new ChannelApiError("wecom", code, `wecom ${path}: errcode ${code} ${String(reply.errmsg ?? "").slice(0, 200)}`, WECOM_RETRYABLE_CODES.has(code));
  }

  async function fetchToken(): Promise<FreshToken> {
    const reply = await call("GET", "gettoken", { corpid: opts.corpId, corpsecret: opts.secret });
    if (reply.errcode !== 0 && reply.errcode !== undefined) throw apiError("gettoken", reply);
    const token = reply["access_token"];
    const expiresIn = Number(reply["expires_in"] ?? 7200);
    if (typeof token !== "string" || !token) throw new ChannelHttpError("wecom", "wecom gettoken: no access_token in response");
    return { token, expiresAt: new Date(now().getTime() + expiresIn * 1000) };
  }

  const getAccessToken = () => tokens.get(tokenKey, fetchToken);

  async function authed(path: string, body: unknown, query: Record<string, string> = {}): Promise<WecomReply> {
    for (let refreshes = 0; ; refreshes++) {
      const token = await getAccessToken();
      const reply = await call("POST", path, { access_token: token, ...query }, body);
      const code = Number(reply.errcode ?? 0);
      if (code === 0) return reply;
      if (!TOKEN_ERRCODES.has(code)) throw apiError(path, reply);
      // A token problem is ours to fix, never a reason to give a message up: refresh, and after
      // a few refreshes let the caller retry later. Only drop the token we used: another caller
      // may already have refreshed it.
      await tokens.invalidate(tokenKey, token);
      if (refreshes >= MAX_TOKEN_REFRESHES) {
        throw new ChannelApiError("wecom", code, `wecom ${path}: errcode ${code} after ${refreshes} token refreshes`, true);
      }
    }
  }

  /** GET media/get: the file's bytes, or a JSON {errcode, errmsg} body on error. */
  async function getMedia(mediaId: string): Promise<WecomMedia> {
    if (!mediaId) throw new ValidationError("wecom: media_id is required");
    const path = "media/get";
    for (let refreshes = 0; ; refreshes++) {
      const token = await getAccessToken();
      const res = await fetchOk(path, `${base}/cgi-bin/${path}?${new URLSearchParams({ access_token: token, media_id: mediaId })}`, { method: "GET" });
      const contentType = (res.headers.get("content-type") ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
      const declared = Number(res.headers.get("content-length") ?? NaN);
      if (declared > WECOM_MEDIA_MAX_BYTES) {
        await res.body?.cancel().catch(() => undefined);
        throw new ChannelApiError("wecom", 0, `wecom ${path}: file larger than ${WECOM_MEDIA_MAX_BYTES} bytes`, false);
      }
      const bytes = await readCapped(res, WECOM_MEDIA_MAX_BYTES).catch((err: unknown) => {
        if (err instanceof ChannelApiError) throw err;
        throw new ChannelHttpError("wecom", `wecom ${path}: body read failed`, res.status);
      });
      if (contentType === "application/json" || contentType === "text/plain") {
        let reply: WecomReply;
        try {
          reply = JSON.parse(new TextDecoder().decode(bytes)) as WecomReply;
        } catch {
          throw new ChannelHttpError("wecom", `wecom ${path}: unexpected ${contentType} body`, res.status);
        }
        const code = Number(reply.errcode ?? 0);
        if (code === 0) throw new ChannelHttpError("wecom", `wecom ${path}: JSON answer without a file`, res.status);
        if (!TOKEN_ERRCODES.has(code)) throw apiError(path, reply);
        await tokens.invalidate(tokenKey, token);
        if (refreshes >= MAX_TOKEN_REFRESHES) throw new ChannelApiError("wecom", code, `wecom ${path}: errcode ${code} after ${refreshes} token refreshes`, true);
        continue;
      }
      const media: WecomMedia = { bytes, contentType };
      const fileName = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get("content-disposition") ?? "")?.[1];
      if (fileName) media.fileName = fileName;
      return media;
    }
  }

  /** POST media/upload?type=image, multipart field "media": the media_id (valid 3 days). */
  async function uploadImage(bytes: Uint8Array, fileName = "chart.png"): Promise<string> {
    if (bytes.length < 5 || bytes.length > WECOM_IMAGE_UPLOAD_MAX_BYTES) throw new ValidationError(`wecom: an image is 5 bytes to ${WECOM_IMAGE_UPLOAD_MAX_BYTES} bytes`);
    const type = /\.png$/i.test(fileName) ? "image/png" : "image/jpeg";
    // A FormData of a Blob is encoded anew by each fetch, so a retry after a token refresh resends it whole.
    const form = new FormData();
    form.append("media", new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), fileName);
    const reply = await authed("media/upload", form, { type: "image" });
    const mediaId = reply["media_id"];
    if (typeof mediaId !== "string" || !mediaId) throw new ChannelHttpError("wecom", "wecom media/upload: no media_id in response");
    return mediaId;
  }

  async function send(touser: string, payload: Record<string, unknown>): Promise<WecomSendResult> {
    if (!touser) throw new ValidationError("wecom: touser is required");
    // Every retry of a message is the same request json, so WeCom drops it if an earlier attempt
    // got through but its answer was lost (timeout, 5xx).
    const body = { touser, agentid, ...payload, enable_duplicate_check: 1, duplicate_check_interval: duplicateCheckSeconds };
    let reply: WecomReply;
    try {
      reply = await authed("message/send", body);
    } catch (err) {
      if (payload["msgtype"] === "template_card" && err instanceof ChannelApiError && err.code === WECOM_ERR_TASK_ID_EXISTS) return { duplicate: true };
      throw err;
    }
    const result: WecomSendResult = {};
    if (typeof reply["msgid"] === "string" && reply["msgid"]) result.msgid = reply["msgid"];
    if (typeof reply["response_code"] === "string" && reply["response_code"]) result.responseCode = reply["response_code"];
    return result;
  }

  return {
    getAccessToken,
    sendText: (touser, content) => send(touser, { msgtype: "text", text: { content } }),
    sendMarkdown: (touser, content) => send(touser, { msgtype: "markdown", markdown: { content } }),
    // async so a ValidationError from building the card is a rejection, never a synchronous throw.
    sendTemplateCard: async (touser, card) => send(touser, { msgtype: "template_card", template_card: buildButtonInteractionCard(card) }),
    async updateTemplateCardButton({ userids, responseCode, replaceName }) {
      if (!responseCode) throw new ValidationError("wecom: response_code is required to update a card");
      if (userids.length === 0) throw new ValidationError("wecom: userids is required");
      await authed("message/update_template_card", {
        userids,
        agentid,
        response_code: responseCode,
        button: { replace_name: replaceName },
      });
    },
    getMedia,
    uploadImage,
    sendImage: async (touser, mediaId) => {
      if (!mediaId) throw new ValidationError("wecom: media_id is required");
      return send(touser, { msgtype: "image", image: { media_id: mediaId } });
    },
  };
}

/** The body, refusing (ChannelApiError, not retryable) once it passes `max` bytes. */
function readCapped(res: Response, max: number): Promise<Uint8Array> {
  if (!res.body) return Promise.resolve(new Uint8Array(0));
  return readStreamCapped(res.body, max, () => new ChannelApiError("wecom", 0, `wecom media/get: file larger than ${max} bytes`, false));
}
