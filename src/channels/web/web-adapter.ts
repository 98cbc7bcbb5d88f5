// The `web` channel behind the chat simulator (/simulator): the page POSTs JSON in, and what the
// bot sends is pushed to the page's live subscriptions (SSE). Runtime-agnostic: web streams only.
import { z } from "zod";
import { containsNul, readCappedBody } from "../read-capped-body.ts";
import type { InboundEvent, OutboundMessage, Sender } from "../../domain/chat.ts";
import { imagePngBytes, } from "../../domain/chat.ts";
import { PayloadTooLargeError, ValidationError } from "../../domain/errors.ts";
import { ChannelApiError, ChannelHttpError, type ChannelAdapter, type InboundResult, type SendResult } from "../channel.ts";

/** The simulator draws cards like WeCom's, so it takes as many buttons. */
const WEB_MAX_BUTTONS = 6;

/** A web user id: a persona (person id), a guest id, or a cuid. No ":" (used in dedupe keys). */
export const WEB_USER_ID = /^[A-Za-z0-9_\-@.]{1,64}$/;
const CLIENT_MSG_ID = /^[A-Za-z0-9_\-]{8,64}$/;

/** What a subscriber (one open page) receives. */
export type WebPushEvent =
  | { type: "message"; id: string; at: string; message: Exclude<OutboundMessage, { kind: "card_update" }> }
  | { type: "card_update"; id: string; at: string; cardId: string; text: string }
  /** The demo data was reset: pages clear their chat and start over. */
  | { type: "reset" }
  /** Shutting down: streams end (the page's EventSource reconnects to whoever serves next). */
  | { type: "close" };

export type WebListener = (event: WebPushEvent) => void;

/**
 * Where pushes go. The in-memory hub serves one process; several instances (or Workers) would
 * plug in a shared one (Redis pub/sub, a Durable Object), whose failures become channel errors.
 */
export interface WebHub {
  publish(userId: string, event: WebPushEvent): void | Promise<void>;
  subscribe(userId: string, listener: WebListener): () => void;
  broadcast(event: WebPushEvent): void | Promise<void>;
}

export function createMemoryHub(): WebHub {
  const byUser = new Map<string, Set<WebListener>>();
  const deliver = (listeners: Iterable<WebListener>, event: WebPushEvent) => {
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        // A page that went away must not fail the send: its history is in the outbox anyway.
      }
    }
  };
  return {
    publish: (userId, event) => deliver(byUser.get(userId) ?? [], event),
    broadcast: (event) => deliver([...byUser.values()].flatMap((s) => [...s]), event),
    subscribe(userId, listener) {
      const set = byUser.get(userId) ?? new Set();
      set.add(listener);
      byUser.set(userId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0 && byUser.get(userId) === set) byUser.delete(userId);
      };
    },
  };
}

export interface WebAdapterOptions {
  now?: () => Date;
  /** Hard cap on a request body. Default 16 KiB. */
  maxBodyBytes?: number;
  /**
   * Gate for inbound requests (admin sign-in in production); throws a DomainError to refuse.
   * May resolve to the admin session acting through the simulator: events carry it (audit).
   */
  authorize?: (req: Request) => void | string | Promise<void | string>;
  hub?: WebHub;
  newId?: () => string;
}

export interface WebAdapter extends ChannelAdapter {
  readonly name: "web";
  /** Live pushes for one user; returns the unsubscribe function. */
  subscribe(userId: string, listener: WebListener): () => void;
  /** Tell every open page that the demo data was reset. */
  broadcastReset(): Promise<void>;
  /** End every live stream, so a graceful shutdown is not held open by idle pages. */
  close(): Promise<void>;
}

export function isWebAdapter(a: ChannelAdapter | undefined): a is WebAdapter {
  return a?.name === "web" && typeof (a as Partial<WebAdapter>).subscribe === "function";
}

const base = { userId: z.string().regex(WEB_USER_ID), clientMsgId: z.string().regex(CLIENT_MSG_ID) };
const inboundSchema = z.union([
  z.strictObject({ ...base, text: z.string().min(1).max(4000) }),
  z.strictObject({ ...base, key: z.string().min(1).max(1024), cardId: z.string().regex(/^[0-9A-Za-z_\-@]{1,128}$/) }),
  z.strictObject({ ...base, enter: z.literal(true) }),
]);

export function createWebAdapter(opts: WebAdapterOptions = {}): WebAdapter {
  const now = opts.now ?? (() => new Date());
  const maxBodyBytes = opts.maxBodyBytes ?? 16_384;
  const hub = opts.hub ?? createMemoryHub();
  const newId = opts.newId ?? (() => crypto.randomUUID().replaceAll("-", ""));

  async function handleRequest(req: Request): Promise<InboundResult> {
    const actingAdmin = (await opts.authorize?.(req)) ?? undefined;
    if (req.method !== "POST") throw new ValidationError(`web: method ${req.method} not allowed`);
    // JSON only: a cross-site form cannot send it without a CORS preflight (CSRF guard).
    if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
      throw new ValidationError("web: Content-Type must be application/json");
    }
    let json: unknown;
    try {
      json = JSON.parse(await readCappedBody(req, maxBodyBytes, "web"));
    } catch (err) {
      if (err instanceof PayloadTooLargeError || err instanceof ValidationError) throw err;
      throw new ValidationError("web: body is not JSON");
    }
    // PostgreSQL text cannot hold NUL: a text or key with one could never be stored.
    if (containsNul(json)) throw new ValidationError("web: NUL characters are not allowed");
    const parsed = inboundSchema.safeParse(json);
    if (!parsed.success) throw new ValidationError("web: expected {userId, clientMsgId} with text, key+cardId or enter");
    const p = parsed.data;
    const sender: Sender = { channel: "web", userId: p.userId };
    // Per user, so one page cannot pre-empt another's ids; a retried POST repeats the key.
    const common = { sender, dedupeKey: `${p.userId}:${p.clientMsgId}`, receivedAt: now(), ...(actingAdmin ? { actingAdmin } : {}) };
    let event: InboundEvent;
    if ("text" in p) event = { ...common, kind: "text", text: p.text };
    // A handle lets the bot treat web cards like WeCom's (remember the click, update the card).
    else if ("key" in p) event = { ...common, kind: "button", key: p.key, cardId: p.cardId, handle: `web:${p.clientMsgId}` };
    else event = { ...common, kind: "enter" };
    return { response: Response.json({ ok: true }), events: [event] };
  }

  async function send(userId: string, message: OutboundMessage): Promise<SendResult> {
    if (!WEB_USER_ID.test(userId)) throw new ValidationError(`web: bad user id`);
    if (message.kind === "card" && message.card.buttons.length > WEB_MAX_BUTTONS) {
      throw new ValidationError(`web: a card has at most ${WEB_MAX_BUTTONS} buttons`);
    }
    // The page shows it as a data: URL; a PNG that is not one would only show a broken picture.
    if (message.kind === "image") imagePngBytes(message);
    const id = `web-${newId()}`;
    const at = now().toISOString();
    const event: WebPushEvent =
      message.kind === "card_update"
        ? { type: "card_update", id, at, cardId: message.cardId, text: message.replaceName }
        : { type: "message", id, at, message };
    try {
      await hub.publish(userId, event);
    } catch (err) {
      throw asChannelError(err);
    }
    // The page updates a card by its id any number of times: the handle is the card itself.
    return message.kind === "card" ? { externalId: id, handle: `web:${message.card.id}` } : { externalId: id };
  }

  return {
    name: "web",
    capabilities: { buttons: true, markdown: true, cardUpdate: true, maxButtons: WEB_MAX_BUTTONS, images: true },
    handleRequest,
    send,
    subscribe: (userId, listener) => hub.subscribe(userId, listener),
    async broadcastReset() {
      await hub.broadcast({ type: "reset" });
    },
    async close() {
      await hub.broadcast({ type: "close" });
    },
  };
}

function asChannelError(err: unknown): ChannelApiError | ChannelHttpError {
  if (err instanceof ChannelApiError || err instanceof ChannelHttpError) return err;
  return new ChannelHttpError("web", `web: push failed: ${err instanceof Error ? err.message : String(err)}`);
}

