// The DingTalk (钉钉 internal app + robot) channel: signed robot messages, card button callbacks
// and encrypted event callbacks in, the robot's one-to-one messages and interactive cards out.
import { createHash } from "node:crypto";
import { imageAsText, imagePngBytes, type InboundEvent, type OutboundMessage } from "../../domain/chat.ts";
import { UnauthenticatedError, ValidationError } from "../../domain/errors.ts";
import { ChannelApiError, type ChannelAdapter, type ChannelCapabilities, type InboundResult, type SendResult } from "../channel.ts";
import { readCappedBody } from "../read-capped-body.ts";
import type { ChannelTokenStore } from "../token-store.ts";
import { createDingtalkApi, type DingtalkApi } from "./dingtalk-api.ts";
import { answeredParamMap, cardAsMarkdown, cardParamMap, DINGTALK_MAX_BUTTONS } from "./dingtalk-card.ts";
import { assertAesKey, openEnvelope, sealEnvelope, verifyButton, verifyRobotSign, type EnvelopeConfig } from "./dingtalk-crypto.ts";
import { classifyBody, robotMessageEvents } from "./dingtalk-inbound.ts";
import type { DingtalkConfig } from "./dingtalk-channel.ts";

/** The channel's config (event subscription 加解密: both or neither; interactive cards: a template built to the contract in dingtalk-card.ts and its HTTP callback route key), and what the app gives. */
export interface DingtalkAdapterOptions extends DingtalkConfig {
  tokens: ChannelTokenStore;
  /** Signs button keys round-tripped through cards. */
  signingSecret: string;
  /** Replay window for event callbacks; 0 turns it off. Robot messages always use DingTalk's hour. */
  maxAgeSeconds: number;
  maxBodyBytes?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  timeoutMs?: number;
}

/** Local (non-DingTalk) code for a card_update without a card template: nothing was sent. */
export const DINGTALK_ERR_NO_CARDS = -2;

export interface DingtalkAdapter extends ChannelAdapter {
  readonly name: "dingtalk";
  readonly api: DingtalkApi;
}

/** What the channel offers; buttons and card updates need a card template. */
export function dingtalkCapabilities(cards: boolean): ChannelCapabilities {
  return { buttons: cards, markdown: true, cardUpdate: cards, maxButtons: cards ? DINGTALK_MAX_BUTTONS : 0, images: false, cardHandle: { singleUse: false } };
}

export function createDingtalkAdapter(opts: DingtalkAdapterOptions): DingtalkAdapter {
  const now = opts.now ?? (() => new Date());
  const maxBodyBytes = opts.maxBodyBytes ?? 65_536;
  if (opts.callbackAesKey) assertAesKey(opts.callbackAesKey);
  const envelope: EnvelopeConfig | undefined =
    opts.callbackToken && opts.callbackAesKey ? { token: opts.callbackToken, aesKey: opts.callbackAesKey, ownerKey: opts.appKey, maxAgeSeconds: opts.maxAgeSeconds } : undefined;
  const cards = opts.cardTemplateId && opts.cardRouteKey ? { templateId: opts.cardTemplateId, routeKey: opts.cardRouteKey } : undefined;
  const api = createDingtalkApi({ ...opts, now });

  async function handleRequest(req: Request): Promise<InboundResult> {
    if (req.method !== "POST") throw new ValidationError(`dingtalk: method ${req.method} not allowed`);
    const at = now();
    // A robot message is signed in its headers: checked before its body is parsed.
    const signed = req.headers.has("sign");
    if (signed) verifyRobotSign(opts.appSecret, req.headers.get("timestamp"), req.headers.get("sign"), at);
    const body = classifyBody(await readCappedBody(req, maxBodyBytes, "dingtalk"));
    if (body.shape === "encrypted") {
      if (!envelope) throw new UnauthenticatedError("dingtalk: encrypted event callbacks are not configured");
      const q = new URL(req.url).searchParams;
      const plain = openEnvelope(envelope, { signature: q.get("msg_signature") ?? q.get("signature") ?? "", timestamp: q.get("timeStamp") ?? q.get("timestamp") ?? "", nonce: q.get("nonce") ?? "", encrypt: body.encrypt }, at);
      try {
        JSON.parse(plain);
      } catch {
        throw new ValidationError("dingtalk: decrypted event is not JSON");
      }
      // Subscribed events (check_url, contacts…) carry nothing for the flows; DingTalk only needs
      // the encrypted "success", or it retries.
      return { response: Response.json(sealEnvelope(envelope, "success", at)), events: [] };
    }
    if (body.shape === "card") {
      const { key, sig } = body.params;
      if (typeof key !== "string" || typeof sig !== "string" || !key) throw new ValidationError("dingtalk: card callback without key and sig");
      if (!verifyButton(opts.signingSecret, body.outTrackId, body.userId, key, sig)) throw new UnauthenticatedError("dingtalk: button key not signed for this card and user");
      const digest = createHash("sha256").update(`${body.outTrackId}\0${body.userId}\0${key}`).digest("base64url");
      const ev: InboundEvent = { kind: "button", key, cardId: body.outTrackId, handle: body.outTrackId, sender: { channel: "dingtalk", userId: body.userId }, dedupeKey: `btn:${digest}`, receivedAt: at };
      return { response: Response.json({}), events: [ev] };
    }
    if (!signed) verifyRobotSign(opts.appSecret, null, null, at); // refuses: a robot message must be signed
    return { response: new Response(null, { status: 200 }), events: robotMessageEvents(body.message, at) };
  }

  async function send(userId: string, message: OutboundMessage): Promise<SendResult> {
    switch (message.kind) {
      case "text":
        return result(await api.sendToUser(userId, "sampleText", { content: message.text }));
      case "markdown":
        return result(await api.sendToUser(userId, "sampleMarkdown", { title: titleOf(message.fallbackText ?? message.markdown), text: message.markdown }));
      case "card": {
        if (!cards) {
          const md = cardAsMarkdown(message.card);
          return result(await api.sendToUser(userId, "sampleMarkdown", md));
        }
        const params = cardParamMap(message.card, userId, opts.signingSecret);
        const r = await api.createAndDeliverCard({ userId, outTrackId: message.card.id, cardTemplateId: cards.templateId, callbackRouteKey: cards.routeKey, cardParamMap: params });
        // The outTrackId is ours (the card id) and updates the card any number of times.
        return { handle: message.card.id, ...(r.duplicate ? { duplicate: true } : {}) };
      }
      case "card_update":
        if (!cards) throw new ChannelApiError("dingtalk", DINGTALK_ERR_NO_CARDS, "dingtalk: card_update needs a card template; send a new message instead", false);
        await api.updateCard(message.handle ?? message.cardId, answeredParamMap(message.replaceName));
        return {};
      case "image":
        // Checked like any image, then shown as its alt text (no upload yet).
        imagePngBytes(message);
        return send(userId, imageAsText(message));
    }
  }

  return {
    name: "dingtalk",
    capabilities: dingtalkCapabilities(Boolean(cards)),
    api,
    handleRequest,
    send,
  };
}

function result(processQueryKey: string | undefined): SendResult {
  return processQueryKey ? { externalId: processQueryKey } : {};
}

/** A markdown message's title (the notification line): its first line without markup. */
function titleOf(s: string): string {
  const line = s.split("\n").map((l) => l.replace(/^[#>*\-\s]+|[*_`]/g, "").trim()).find(Boolean) ?? "消息";
  return [...line].slice(0, 30).join("");
}
