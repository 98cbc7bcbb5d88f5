import type { ChannelName, InboundEvent, OutboundMessage } from "../domain/chat.ts";

/** What a channel can render; flows adapt (buttons vs numbered lists) from this. */
export interface ChannelCapabilities {
  buttons: boolean;
  markdown: boolean;
  cardUpdate: boolean;
  /** Buttons on one card in all; flows offer no more (a longer list becomes numbered text). */
  maxButtons: number;
  /** Buttons side by side in one row (Telegram's inline keyboard); the rest go on further rows. */
  buttonsPerRow?: number;
  /** Longest text message in characters; the adapter splits longer ones. */
  textMax?: number;
  /** Shows an image message as a picture; without it the adapter sends the image's alt text. */
  images?: boolean;
  /**
   * How a card's handle may update it: WeCom's response_code works once and for 72 hours; without
   * `singleUse` any number of times (DingTalk's outTrackId, Telegram's chat/message id).
   */
  cardHandle?: { singleUse: boolean; ttlMs?: number };
}

/** The result of turning a platform's HTTP callback into normalized events. */
export interface InboundResult {
  /** What to answer the platform right away (e.g. 200 empty, or the echostr). */
  response: Response;
  /** Events to process after answering. */
  events: InboundEvent[];
}

export interface SendResult {
  /** Platform message id, when it returns one. */
  externalId?: string;
  /**
   * The sent card's handle, opaque to everyone but the adapter (WeCom response_code, DingTalk
   * outTrackId, Telegram chat:message id): kept with the card, it updates the card later
   * (e.g. "已由 张三 同意" on an or-sign) through a card_update's `handle`.
   */
  handle?: string;
  /** The platform said it already had this very message (a resend after a lost answer). */
  duplicate?: boolean;
}

/** Per-send context from the outbox; adapters use what their platform supports. */
export interface SendOptions {
  /** Stable across every retry of one logical message (the outbox row id). */
  idempotencyKey?: string;
  /**
   * 0 normally. n > 0: the content equals another recent message to this recipient; render it
   * distinguishably to the platform but not to the reader, identically on every retry.
   */
  variant?: number;
}

/**
 * One interface for every platform (vercel/chat style). Transport only: no business logic.
 * Errors: throw ChannelApiError for a platform refusal, ChannelHttpError for network/5xx.
 */
export interface ChannelAdapter {
  readonly name: ChannelName;
  readonly capabilities: ChannelCapabilities;
  /** Verify, decrypt and parse one callback request. Bad input throws a DomainError (→ 4xx). */
  handleRequest(req: Request): Promise<InboundResult>;
  /**
   * How long the platform suppresses a resend of the same request (WeCom's duplicate check).
   * The outbox keeps every retry of a message inside it and gives identical messages variants.
   */
  readonly duplicateWindowMs?: number;
  /** Deliver one normalized message to a user on this channel. */
  send(userId: string, message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
  /**
   * A link that opens the chat with `payload` already sent (Telegram's t.me/<bot>?start=…), where the
   * platform has one and knows the bot's name: 绑定 offers it beside the code.
   */
  deepLink?(payload: string): string | undefined;
  /** Download a file a user sent (e.g. a WeCom image's media id), where the platform allows it. */
  fetchMedia?(mediaId: string): Promise<{ bytes: Uint8Array; contentType: string; fileName?: string }>;
}

/** The platform answered with an error code (grammY's GrammyError). */
export class ChannelApiError extends Error {
  constructor(
    readonly channel: ChannelName,
    readonly code: number,
    message: string,
    /** Worth retrying later (rate limit, system busy). */
    readonly retryable: boolean,
    /** The platform said when (Telegram's 429 retry_after): no retry before this many ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ChannelApiError";
  }
}

/** The platform could not be reached or answered 5xx (grammY's HttpError). */
export class ChannelHttpError extends Error {
  constructor(
    readonly channel: ChannelName,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ChannelHttpError";
  }
}
