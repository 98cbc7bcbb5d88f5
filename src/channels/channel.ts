import type { ChannelName, InboundEvent, OutboundMessage } from "../domain/chat.ts";

/** What a channel can render; flows adapt (buttons vs numbered lists) from this. */
export interface ChannelCapabilities {
  buttons: boolean;
  markdown: boolean;
  cardUpdate: boolean;
  maxButtons: number;
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
   * WeCom returns a single-use response_code when a button card is sent; keeping it lets us
   * update that recipient's card later (e.g. "已由 张三 同意" on an or-sign).
   */
  responseCode?: string;
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
  /** Deliver one normalized message to a user on this channel. */
  send(userId: string, message: OutboundMessage): Promise<SendResult>;
}

/** The platform answered with an error code (grammY's GrammyError). */
export class ChannelApiError extends Error {
  constructor(
    readonly channel: ChannelName,
    readonly code: number,
    message: string,
    /** Worth retrying later (rate limit, system busy). */
    readonly retryable: boolean,
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
