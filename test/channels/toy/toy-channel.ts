// A fourth messenger in one folder (CONTRIBUTING.md walks through it): a toy platform that POSTs
// {id, from, text} signed with HMAC-SHA256 in x-toy-signature, and takes {to, text} at
// <TOY_API_BASE>/send. It has no buttons, so cards arrive as numbered text; it is registered by
// one line (here: the test passes [...CHANNEL_MODULES, toyChannel], as registry.ts would list it).
import { z } from "zod";
import { apiBaseUrl, requireAllOrNone } from "../../../src/channels/api-base.ts";
import { ChannelApiError, ChannelHttpError, type ChannelAdapter } from "../../../src/channels/channel.ts";
import { defineChannel } from "../../../src/channels/channel-module.ts";
import { readCappedBody } from "../../../src/channels/read-capped-body.ts";
import { imageAsText, imagePngBytes, type OutboundMessage } from "../../../src/domain/chat.ts";
import { UnauthenticatedError, ValidationError } from "../../../src/domain/errors.ts";

interface ToyConfig {
  secret: string;
  apiBase: string;
}

const capabilities = { buttons: false, markdown: false, cardUpdate: false, maxButtons: 0, textMax: 1000 };

async function hmac(secret: string, body: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
}
export const toySignature = async (secret: string, body: string) => Buffer.from(await hmac(secret, body)).toString("hex");

/** Constant time: every byte is compared whatever the first difference. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

/** A card as the numbered text a channel without buttons shows. */
function asText(m: OutboundMessage): string {
  switch (m.kind) {
    case "text":
      return m.text;
    case "markdown":
      return m.fallbackText ?? m.markdown;
    case "card":
      return [m.card.title, m.card.description ?? "", ...m.card.buttons.map((b, i) => `${i + 1}. ${b.label}`)].filter(Boolean).join("\n");
    case "image":
      imagePngBytes(m); // a picture that is not a PNG is refused, not described
      return imageAsText(m).text;
    case "card_update":
      return m.replaceName;
  }
}

function createToyAdapter(config: ToyConfig, deps: { fetch?: typeof fetch; now: () => Date }): ChannelAdapter {
  const doFetch = deps.fetch ?? fetch;
  return {
    name: "toy",
    capabilities,
    async handleRequest(req) {
      if (req.method !== "POST") throw new ValidationError("toy: POST only");
      const body = await readCappedBody(req, 16_384, "toy");
      if (!same(req.headers.get("x-toy-signature") ?? "", await toySignature(config.secret, body))) throw new UnauthenticatedError("toy: bad signature");
      const p = z.object({ id: z.string().min(1).max(64), from: z.string().min(1).max(64), text: z.string().max(4000) }).safeParse((() => { try { return JSON.parse(body); } catch { return null; } })());
      if (!p.success) throw new ValidationError("toy: expected {id, from, text}");
      return { response: new Response(null, { status: 204 }), events: [{ kind: "text", text: p.data.text, sender: { channel: "toy", userId: p.data.from }, dedupeKey: `msg:${p.data.id}`, receivedAt: deps.now() }] };
    },
    async send(userId, message) {
      if (message.kind === "card" && message.card.buttons.length > 6) throw new ValidationError("toy: at most 6 options on a card");
      const body = JSON.stringify({ to: userId, text: asText(message) });
      let res: Response;
      try {
        res = await doFetch(`${config.apiBase}/send`, { method: "POST", headers: { "content-type": "application/json" }, body });
      } catch {
        throw new ChannelHttpError("toy", "toy: network error");
      }
      if (res.status >= 500) throw new ChannelHttpError("toy", `toy: HTTP ${res.status}`, res.status);
      if (!res.ok) throw new ChannelApiError("toy", res.status, `toy: refused (${res.status})`, res.status === 429);
      return {};
    },
  };
}

export const toyChannel = defineChannel<ToyConfig>({
  name: "toy",
  label: "玩具聊天",
  configSchema: z
    .object({ TOY_SECRET: z.string().min(16, "must be at least 16 characters").optional(), TOY_API_BASE: apiBaseUrl("https://toy.example") })
    .transform((e, ctx) => (requireAllOrNone(e, ["TOY_SECRET"], "toy", ctx) ? { secret: e.TOY_SECRET!, apiBase: e.TOY_API_BASE } : null)),
  examples: { TOY_SECRET: "(16+ characters shared with the toy platform)", TOY_API_BASE: "https://toy.example" },
  capabilities,
  rateLimits: { perMinute: 60, perHour: 2000 },
  create: (config, deps) => createToyAdapter(config, deps),
});
