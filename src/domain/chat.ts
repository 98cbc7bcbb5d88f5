// The normalized chat model every channel speaks (WeCom, DingTalk, Telegram, web simulator).
// Flows and the approval workflow only ever see these types, never a platform's payloads.
import { ValidationError } from "./errors.ts";

/** A channel's name: one of src/channels/registry.ts, or "web" (the simulator). The domain knows none of them. */
export type ChannelName = string;

/** Who sent an inbound event: the platform-local user id on one channel. */
export interface Sender {
  channel: ChannelName;
  /** WeCom UserID, DingTalk staffId/unionId, Telegram chat id, simulator persona id. */
  userId: string;
}

interface InboundBase {
  sender: Sender;
  /** Stable key for de-duplication of redelivered callbacks (unique per channel). */
  dedupeKey: string;
  receivedAt: Date;
  /** The admin session that sent this through the simulator as a persona (production): audited with what it does. */
  actingAdmin?: string;
}

export type InboundEvent =
  | (InboundBase & { kind: "text"; text: string })
  /**
   * A tap on a card button. `cardId` is the id we gave the card; `handle`, when the platform gives
   * one with the click (WeCom's single-use response_code), is what updates that card afterwards.
   */
  | (InboundBase & { kind: "button"; key: string; cardId?: string; handle?: string })
  /** The user opened the chat / a menu entry: a chance to greet or show the menu. */
  | (InboundBase & { kind: "enter"; menuKey?: string })
  /** A photo or file (WeCom MsgType=image: MediaId, PicUrl), the answer to a flow's media step. */
  | (InboundBase & { kind: "media"; mediaType: "image" | "file"; mediaId: string; url?: string });

export interface CardButton {
  /** Opaque key echoed back on click (WeCom: ≤1024 bytes). */
  key: string;
  label: string;
  style?: "primary" | "default" | "danger";
}

export interface CardFact {
  label: string;
  value: string;
}

export interface Card {
  /** Our id for the card, unique ([0-9A-Za-z_\-@], ≤128 bytes); adapters may use it as the platform's card id. */
  id: string;
  title: string;
  description?: string;
  facts?: CardFact[];
  /** In order; each adapter lays them out within its limits (rows, a cap, or numbered text). */
  buttons: CardButton[];
  /** A link to open for details (e.g. the printable application). */
  url?: string;
}

export type OutboundMessage =
  | { kind: "text"; text: string }
  | { kind: "markdown"; markdown: string; fallbackText?: string }
  | { kind: "card"; card: Card }
  /**
   * Replace a card already sent with a finished state (e.g. "已同意"). `handle` is the card's
   * handle from its send or its click (SendResult.handle): only the channel's adapter reads it.
   */
  | { kind: "card_update"; cardId: string; replaceName: string; handle?: string }
  /**
   * A picture (e.g. the 8.2 score chart). The PNG travels inside the message, base64, so the
   * outbox row is the whole message (retries, history, dead letters) without a file to keep in
   * step; capped at MAX_IMAGE_BYTES. `alt` is what a channel without images shows instead.
   */
  | { kind: "image"; png: string; alt: string };

/** A chart is 30–80 KB; this keeps an outbox row sane (WeCom itself takes up to 10 MB). */
export const MAX_IMAGE_BYTES = 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image message for PNG bytes. Throws ValidationError for anything but a PNG within the cap. */
export function imageMessage(png: Uint8Array, alt: string): Extract<OutboundMessage, { kind: "image" }> {
  checkPng(png);
  if (!alt.trim()) throw new ValidationError("image: alt text is required");
  let bin = "";
  for (let i = 0; i < png.length; i += 0x8000) bin += String.fromCharCode(...png.subarray(i, i + 0x8000));
  return { kind: "image", png: btoa(bin), alt };
}

/** The PNG bytes of an image message, checked (it came back from the outbox as JSON). */
export function imagePngBytes(message: Extract<OutboundMessage, { kind: "image" }>): Uint8Array {
  if (typeof message.png !== "string" || message.png.length > Math.ceil(MAX_IMAGE_BYTES / 3) * 4) {
    throw new ValidationError(`image: at most ${MAX_IMAGE_BYTES} bytes`);
  }
  let bin: string;
  try {
    bin = atob(message.png);
  } catch {
    throw new ValidationError("image: png is not base64");
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  checkPng(bytes);
  return bytes;
}

/** What a channel that cannot show pictures sends instead. */
export function imageAsText(message: Extract<OutboundMessage, { kind: "image" }>): { kind: "text"; text: string } {
  return { kind: "text", text: message.alt };
}

function checkPng(png: Uint8Array): void {
  if (png.length > MAX_IMAGE_BYTES) throw new ValidationError(`image: at most ${MAX_IMAGE_BYTES} bytes`, { bytes: png.length });
  if (png.length < 33 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new ValidationError("image: not a PNG");
}
