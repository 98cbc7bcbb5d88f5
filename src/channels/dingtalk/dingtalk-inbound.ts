// What DingTalk posts to /webhooks/dingtalk, as normalized events. Three shapes share the route:
// an encrypted event callback ({"encrypt"}), an interactive card's button callback (outTrackId and
// the clicked action's params), and a robot message (signed with the timestamp/sign headers).
import type { InboundEvent, Sender } from "../../domain/chat.ts";
import { ValidationError } from "../../domain/errors.ts";
import { containsNul } from "../read-capped-body.ts";

export type DingtalkBody =
  | { shape: "encrypted"; encrypt: string }
  | { shape: "card"; outTrackId: string; userId: string; params: Record<string, unknown> }
  | { shape: "robot"; message: Record<string, unknown> };

const MAX_ID = 256;

/** Parses and classifies a body. Anything malformed is a ValidationError, never a crash. */
export function classifyBody(raw: string): DingtalkBody {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ValidationError("dingtalk: body is not JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ValidationError("dingtalk: body is not a JSON object");
  if (containsNul(json)) throw new ValidationError("dingtalk: body contains NUL characters");
  const o = json as Record<string, unknown>;
  if ("encrypt" in o) {
    if (typeof o["encrypt"] !== "string" || !o["encrypt"]) throw new ValidationError("dingtalk: encrypt must be a non-empty string");
    return { shape: "encrypted", encrypt: o["encrypt"] };
  }
  if ("outTrackId" in o) {
    const outTrackId = id(o["outTrackId"], "outTrackId");
    const userId = id(o["userId"], "userId");
    // The card callback carries {"cardPrivateData": {"actionIds": [...], "params": {...}}} as a
    // JSON string, in `content` (or `value` in some SDK versions).
    const inner = typeof o["content"] === "string" ? o["content"] : o["value"];
    if (typeof inner !== "string") throw new ValidationError("dingtalk: card callback without content");
    let parsed: unknown;
    try {
      parsed = JSON.parse(inner);
    } catch {
      throw new ValidationError("dingtalk: card callback content is not JSON");
    }
    const priv = typeof parsed === "object" && parsed !== null ? (parsed as { cardPrivateData?: unknown }).cardPrivateData : undefined;
  const params = typeof priv === "object" && priv !== null ? (priv as { params?: unknown }).params : undefined;
    if (typeof params !== "object" || params === null || Array.isArray(params)) throw new ValidationError("dingtalk: card callback without params");
    return { shape: "card", outTrackId, userId, params: params as Record<string, unknown> };
  }
  return { shape: "robot", message: o };
}

function id(v: unknown, name: string): string {
  if (typeof v !== "string" || !v || v.length > MAX_ID) throw new ValidationError(`dingtalk: ${name} must be a non-empty string`);
  return v;
}

/**
 * A robot message (conversationType "1" one-to-one or "2" group) → a text event. Other message
 * types (pictures, files, audio) give no event; the robot still answers 200.
 */
export function robotMessageEvents(m: Record<string, unknown>, receivedAt: Date): InboundEvent[] {
  const msgId = id(m["msgId"], "msgId");
  const userId = id(m["senderStaffId"], "senderStaffId");
  const sender: Sender = { channel: "dingtalk", userId };
  const msgtype = m["msgtype"];
  if (msgtype !== "text") return [];
  const text = m["text"];
  const content = typeof text === "object" && text !== null ? (text as { content?: unknown }).content : undefined;
  if (typeof content !== "string") throw new ValidationError("dingtalk: text message without text.content");
  return [{ kind: "text", text: content.trim(), sender, dedupeKey: `msg:${msgId}`, receivedAt }];
}
