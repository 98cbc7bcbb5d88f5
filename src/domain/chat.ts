// The normalized chat model every channel speaks (WeCom, DingTalk, Telegram, web simulator).
// Flows and the approval workflow only ever see these types, never a platform's payloads.

export const CHANNELS = ["wecom", "dingtalk", "telegram", "web"] as const;
export type ChannelName = (typeof CHANNELS)[number];

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
  /** A tap on a card button. `cardId` is the id we gave the card (WeCom task_id). */
  | (InboundBase & { kind: "button"; key: string; cardId?: string; responseCode?: string })
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
  /** Our id for the card, unique per app ([0-9A-Za-z_\-@], ≤128 bytes): WeCom task_id. */
  id: string;
  title: string;
  description?: string;
  facts?: CardFact[];
  /** At most 6 buttons. */
  buttons: CardButton[];
  /** A link to open for details (e.g. the printable application). */
  url?: string;
}

export type OutboundMessage =
  | { kind: "text"; text: string }
  | { kind: "markdown"; markdown: string; fallbackText?: string }
  | { kind: "card"; card: Card }
  /**
   * Replace a card already sent with a finished state (e.g. "已同意").
   * `responseCode` is WeCom's single-use code from the click, when there is one.
   */
  | { kind: "card_update"; cardId: string; replaceName: string; responseCode?: string };

export const MAX_CARD_BUTTONS = 6;
