// The WeCom (企业微信 self-built app) channel: callback verification/decryption in, API out.
import type { InboundEvent, OutboundMessage, Sender } from "../../domain/chat.ts";
import { readCappedBody } from "../read-capped-body.ts";
import { imagePngBytes, } from "../../domain/chat.ts";
import { ValidationError } from "../../domain/errors.ts";
import { ChannelApiError, type ChannelAdapter, type ChannelCapabilities, type InboundResult, type SendOptions, type SendResult } from "../channel.ts";
import { createWecomApi, WECOM_DUPLICATE_CHECK_MAX_SECONDS, WECOM_ERR_INVALID_MEDIA_ID, type WecomApi } from "./wecom-api.ts";
import { assertEncodingAesKey, openEnvelope, type EnvelopeConfig } from "./wecom-crypto.ts";
import { parseWecomXml } from "./wecom-xml.ts";
import { WECOM_MAX_BUTTONS } from "./wecom-card.ts";
import type { ChannelTokenStore } from "../token-store.ts";

export interface WecomAdapterOptions {
  corpId: string;
  agentId: number | string;
  secret: string;
  token: string;
  encodingAesKey: string;
  apiBase?: string;
  /** Replay window for callback timestamps; 0 turns it off. Default 300. */
  maxAgeSeconds?: number;
  /** Hard cap on a callback body. Default 64 KiB. */
  maxBodyBytes?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  timeoutMs?: number;
  tokens?: ChannelTokenStore;
}

/** What WeCom enforces per member and app; excess messages are silently dropped, not refused. */
export const WECOM_RATE_LIMITS = { perMinute: 30, perHour: 1000 } as const;

/** WeCom's response_code (a card's handle) updates the card once, within 72 hours. */
export const WECOM_CAPABILITIES: ChannelCapabilities = { buttons: true, markdown: true, cardUpdate: true, maxButtons: WECOM_MAX_BUTTONS, textMax: 2048, images: true, cardHandle: { singleUse: true, ttlMs: 72 * 3600_000 } };

/** Local (non-WeCom) code for a card_update we cannot perform: nothing was sent. */
export const WECOM_ERR_NO_RESPONSE_CODE = -2;

/** Uploaded images kept per outbox message (see send): at most this many, never past the duplicate window. */
const UPLOAD_MEMO_MAX = 100;

export interface WecomAdapter extends ChannelAdapter {
  readonly name: "wecom";
  /** The underlying API client, for calls the normalized model does not cover. */
  readonly api: WecomApi;
}

export function createWecomAdapter(opts: WecomAdapterOptions): WecomAdapter {
  assertEncodingAesKey(opts.encodingAesKey);
  const now = opts.now ?? (() => new Date());
  const maxBodyBytes = opts.maxBodyBytes ?? 65_536;
  const envelope: EnvelopeConfig = {
    token: opts.token,
    encodingAesKey: opts.encodingAesKey,
    corpId: opts.corpId,
    maxAgeSeconds: opts.maxAgeSeconds ?? 300,
  };
  const api = createWecomApi({
    corpId: opts.corpId,
    secret: opts.secret,
    agentId: opts.agentId,
    apiBase: opts.apiBase,
    fetch: opts.fetch,
    now,
    timeoutMs: opts.timeoutMs,
    ...(opts.tokens ? { tokens: opts.tokens } : {}),
  });

  async function handleRequest(req: Request): Promise<InboundResult> {
    const q = new URL(req.url).searchParams;
    const base = {
      msgSignature: q.get("msg_signature") ?? "",
      timestamp: q.get("timestamp") ?? "",
      nonce: q.get("nonce") ?? "",
    };
    if (req.method === "GET") {
      // URL verification. A proxy that decoded "+" as space would break base64: undo that.
      const echostr = (q.get("echostr") ?? "").replace(/ /g, "+");
      const plain = openEnvelope(envelope, { ...base, encrypt: echostr }, now());
      return { response: new Response(plain, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } }), events: [] };
    }
    if (req.method !== "POST") throw new ValidationError(`wecom: method ${req.method} not allowed`);
    if (!base.msgSignature || !base.timestamp || !base.nonce) {
      throw new ValidationError("wecom: missing msg_signature, timestamp or nonce");
    }
    const outer = parseWecomXml(await readCappedBody(req, maxBodyBytes, "wecom"));
    const inner = parseWecomXml(openEnvelope(envelope, { ...base, encrypt: outer["Encrypt"] ?? "" }, now()));
    return { response: new Response(null, { status: 200 }), events: normalize(inner, now()) };
  }

  // An image is uploaded, then sent by media_id. A retry of the same outbox message reuses its
  // media_id, so its message/send is the same request json and WeCom's duplicate check still
  // absorbs a resend whose first answer was lost (a new upload would be a new media_id). Only
  // for as long as that check lasts; media_ids themselves live 3 days.
  const uploads = new Map<string, { mediaId: string; until: number }>();
  async function mediaIdFor(bytes: Uint8Array, key: string | undefined): Promise<string> {
    const t = now().getTime();
    const memo = key ? uploads.get(key) : undefined;
    if (memo && memo.until > t) return memo.mediaId;
    const mediaId = await api.uploadImage(bytes, "chart.png");
    if (key) {
      for (const [k, v] of uploads) if (v.until <= t || uploads.size >= UPLOAD_MEMO_MAX) uploads.delete(k);
      uploads.set(key, { mediaId, until: t + WECOM_DUPLICATE_CHECK_MAX_SECONDS * 1000 });
    }
    return mediaId;
  }

  async function sendImage(userId: string, png: Uint8Array, options: SendOptions): Promise<SendResult> {
    const key = options.idempotencyKey;
    const mediaId = await mediaIdFor(png, key);
    try {
      return toResult(await api.sendImage(userId, mediaId));
    } catch (err) {
      // The upload is gone (should not happen within 3 days): upload again on the next try.
      if (err instanceof ChannelApiError && err.code === WECOM_ERR_INVALID_MEDIA_ID && key) {
        uploads.delete(key);
        throw new ChannelApiError("wecom", err.code, err.message, true);
      }
      throw err;
    }
  }

  async function send(userId: string, message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
    // Variant n: n word joiners (U+2060, invisible) make an intended repeat a different request
    // json for WeCom's duplicate check, while every retry of it stays byte-identical.
    const mark = "\u2060".repeat(Math.max(0, Math.floor(options.variant ?? 0)));
    switch (message.kind) {
      case "text":
        return toResult(await api.sendText(userId, message.text + mark));
      case "markdown":
        return toResult(await api.sendMarkdown(userId, message.markdown + mark));
      case "card":
        return toResult(await api.sendTemplateCard(userId, message.card));
      case "card_update":
        if (!message.handle) {
          throw new ChannelApiError("wecom", WECOM_ERR_NO_RESPONSE_CODE, "wecom: card_update needs the click's response_code; send a new message instead", false);
        }
        await api.updateTemplateCardButton({ userids: [userId], responseCode: message.handle, replaceName: message.replaceName });
        return {};
      case "image":
        return sendImage(userId, imagePngBytes(message), options);
    }
  }

  return {
    name: "wecom",
    capabilities: WECOM_CAPABILITIES,
    duplicateWindowMs: WECOM_DUPLICATE_CHECK_MAX_SECONDS * 1000,
    api,
    handleRequest,
    send,
    fetchMedia: (mediaId) => api.getMedia(mediaId),
  };
}

function toResult(r: { msgid?: string; duplicate?: boolean; responseCode?: string }): SendResult {
  // A button card's response_code is the only way to update that card later (or-sign outcomes).
  return { ...(r.msgid ? { externalId: r.msgid } : {}), ...(r.duplicate ? { duplicate: true } : {}), ...(r.responseCode ? { handle: r.responseCode } : {}) };
}

/** Decrypted message XML → normalized events. Unhandled types give no event (still 200). */
export function normalize(x: Record<string, string>, receivedAt: Date): InboundEvent[] {
  const msgType = x["MsgType"];
  const from = x["FromUserName"];
  if (!from) return [];
  const sender: Sender = { channel: "wecom", userId: from };
  // Events have no MsgId; these fields together tell two events in the same second apart.
  const eventKey = () =>
    "evt:" + [from, x["CreateTime"], x["Event"], x["EventKey"], x["TaskId"], x["AgentID"]].map((v) => v ?? "").join("|");

  if (msgType === "text") {
    const dedupeKey = x["MsgId"] ? `msg:${x["MsgId"]}` : eventKey();
    return [{ kind: "text", text: x["Content"] ?? "", sender, dedupeKey, receivedAt }];
  }
  if (msgType === "image" && x["MediaId"]) {
    const dedupeKey = x["MsgId"] ? `msg:${x["MsgId"]}` : eventKey();
    return [{ kind: "media", mediaType: "image", mediaId: x["MediaId"], ...(x["PicUrl"] ? { url: x["PicUrl"] } : {}), sender, dedupeKey, receivedAt }];
  }
  if (msgType !== "event") return [];
  switch (x["Event"]) {
    case "template_card_event": {
      const key = x["EventKey"];
      if (!key) return [];
      const ev: InboundEvent = { kind: "button", key, sender, dedupeKey: eventKey(), receivedAt };
      if (x["TaskId"]) ev.cardId = x["TaskId"];
      if (x["ResponseCode"]) ev.handle = x["ResponseCode"];
      return [ev];
    }
    case "enter_agent":
    case "click": {
      const ev: InboundEvent = { kind: "enter", sender, dedupeKey: eventKey(), receivedAt };
      if (x["EventKey"]) ev.menuKey = x["EventKey"];
      return [ev];
    }
    default:
      return [];
  }
}

