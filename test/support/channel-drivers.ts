// One small driver per channel, all with the same face: a person says something or taps a button
// through the channel's real inbound route (signed as the platform signs it), and what reached
// them is read back from that platform's fake (the web simulator: its sent outbox rows) as
// neutral text, so one journey can run on any channel.
import { tokenBackedButtonStore } from "../../src/channels/telegram/telegram-buttons.ts";
import { cachedTokenStore } from "../../src/channels/token-store.ts";
import { channelTokenTable } from "../../src/storage/channel-tokens.ts";
import type { OutboundMessage } from "../../src/domain/chat.ts";
import type { FakeDingtalk } from "../fakes/fake-dingtalk-api.ts";
import { cardCallbackRequest, robotTextBody, signedRobotRequest } from "../fakes/dingtalk-signer.ts";
import { callbackUpdate, textUpdate, webhookRequest, type FakeMessage, type FakeTelegram } from "../fakes/fake-telegram-api.ts";
import type { FakeWecom } from "../fakes/fake-wecom-api.ts";
import { cardClickXml, signCallback, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import type { TestDatabase } from "./test-db.ts";

/** A card as it reached a person: our card id, its text (title, description, facts) and its buttons. */
export interface SeenCard {
  id: string;
  title: string;
  text: string;
  buttons: Array<{ key: string; label: string }>;
}

/** A card changed after it was sent (decided): which card, and the outcome it now shows. */
export interface SeenUpdate {
  cardId: string;
  text: string;
}

export interface ChannelDriver {
  readonly channel: string;
  /** A text message from `userId`, through the real route; resolves when handled and sent. */
  say(userId: string, text: string): Promise<Response>;
  /** Taps the button (by label, else by key) of the latest card that reached `userId` here. */
  tap(userId: string, buttonLabelOrKey: string): Promise<Response>;
  /** Everything that reached `userId` here, in order, as text (a card: title, text and labels). */
  texts(userId: string): Promise<string[]>;
  last(userId: string): Promise<string>;
  cards(userId: string): Promise<SeenCard[]>;
  /** Card updates that reached `userId` here. */
  updates(userId: string): Promise<SeenUpdate[]>;
}

/** What every driver needs from the harness. */
export interface DriverContext {
  /** Hands a request to the app's real route and waits until it is handled and its replies sent. */
  post(req: Request): Promise<Response>;
  now(): Date;
  prisma: TestDatabase["db"]["prisma"];
}

const ROUTE = "http://bot.test/webhooks";
const cardText = (c: SeenCard) => [c.title, c.text, ...c.buttons.map((b) => `[${b.label}]`)].filter(Boolean).join("\n");

/** The button labelled (else keyed) so on the latest card: an older card is one a person scrolled past. */
function pick<C extends SeenCard>(cards: C[], channel: string, userId: string, labelOrKey: string): { card: C; button: C["buttons"][number] } {
  const card = cards.at(-1);
  const button = card?.buttons.find((b) => b.label === labelOrKey) ?? card?.buttons.find((b) => b.key === labelOrKey);
  if (card && button) return { card, button };
  throw new Error(`${channel}:${userId}: no button "${labelOrKey}" on the latest card${card ? ` "${card.title}" (${card.buttons.map((b) => b.label).join(" / ")})` : " (no card reached them)"}`);
}

let seq = 0;
const nextSeq = () => ++seq;

export interface WecomCreds {
  corpId: string;
  agentId: string;
  token: string;
  encodingAesKey: string;
}

type WecomTemplateCard = { task_id: string; main_title?: { title?: string }; sub_title_text?: string; horizontal_content_list?: Array<{ keyname: string; value: string }>; button_list?: Array<{ text: string; key: string }> };

function wecomCard(raw: Record<string, unknown>): SeenCard {
  const tc = raw as WecomTemplateCard;
  const facts = (tc.horizontal_content_list ?? []).map((f) => `${f.keyname}：${f.value}`);
  return { id: tc.task_id, title: tc.main_title?.title ?? "", text: [tc.sub_title_text ?? "", ...facts].filter(Boolean).join("\n"), buttons: (tc.button_list ?? []).map((b) => ({ key: b.key, label: b.text })) };
}

export function wecomDriver(ctx: DriverContext, fake: FakeWecom, creds: WecomCreds): ChannelDriver {
  const ts = () => Math.floor(ctx.now().getTime() / 1000);
  const post = (innerXml: string) => {
    const signed = signCallback({ ...creds, innerXml, timestamp: ts(), agentId: creds.agentId });
    return ctx.post(new Request(`${ROUTE}/wecom?${signed.query}`, { method: "POST", body: signed.body, headers: { "content-type": "text/xml" } }));
  };
  const cards = async (userId: string) => fake.sent.filter((s) => s.touser === userId && s.templateCard).map((s) => wecomCard(s.templateCard!));
  const texts = async (userId: string) => fake.sent.filter((s) => s.touser === userId).map((s) => (s.templateCard ? cardText(wecomCard(s.templateCard)) : (s.content ?? `[${s.msgtype}]`)));
  return {
    channel: "wecom",
    say: (userId, content) => post(textMessageXml({ toUser: creds.corpId, fromUser: userId, content, msgId: String(2_000_000 + nextSeq()), createTime: ts(), agentId: creds.agentId })),
    async tap(userId, label) {
      const { card, button } = pick(await cards(userId), "wecom", userId, label);
      // WeCom gives each click a fresh single-use response_code (the card's handle for its update).
      return post(cardClickXml({ fromUser: userId, eventKey: button.key, taskId: card.id, responseCode: fake.issueResponseCode(userId, card.id), createTime: ts(), agentId: creds.agentId }));
    },
    texts,
    last: async (userId) => (await texts(userId)).at(-1) ?? "",
    cards,
    updates: async (userId) => fake.updates.filter((u) => u.userids.includes(userId)).map((u) => ({ cardId: u.taskId ?? "", text: u.replaceName ?? "" })),
  };
}

export interface DingtalkCreds {
  appSecret: string;
  robotCode: string;
}

export function dingtalkDriver(ctx: DriverContext, fake: FakeDingtalk, creds: DingtalkCreds): ChannelDriver {
  // As created: an answered card hides its buttons, but a person taps what they were shown.
  const cards = async (userId: string): Promise<Array<SeenCard & { buttons: Array<{ key: string; label: string; sig: string }> }>> =>
    fake.sent
      .filter((s) => s.userId === userId && s.kind === "card")
      .map((s) => {
        const m = s.cardParamMap ?? {};
        const buttons = [1, 2, 3, 4, 5, 6].filter((i) => m[`btn${i}_show`] === "true").map((i) => ({ key: m[`btn${i}_key`] ?? "", label: m[`btn${i}_text`] ?? "", sig: m[`btn${i}_sig`] ?? "" }));
        return { id: s.outTrackId ?? "", title: m["title"] ?? "", text: m["markdown"] ?? "", buttons };
      });
  const texts = async (userId: string) => {
    const out: string[] = [];
    for (const s of fake.sent.filter((x) => x.userId === userId)) {
      if (s.kind === "text") out.push(s.text ?? "");
      else if (s.kind === "markdown") out.push(s.markdown ?? "");
      else out.push(cardText((await cards(userId)).find((c) => c.id === s.outTrackId)!));
    }
    return out;
  };
  return {
    channel: "dingtalk",
    say: (userId, text) => {
      const at = ctx.now().getTime();
      return ctx.post(signedRobotRequest(creds.appSecret, robotTextBody({ userId, text, msgId: `msgjourney${nextSeq()}`, robotCode: creds.robotCode, createAt: at }), at, { url: `${ROUTE}/dingtalk` }));
    },
    async tap(userId, label) {
      const { card, button: b } = pick(await cards(userId), "dingtalk", userId, label);
      // The template's 回传请求 echoes the clicked button's {key, sig} (dingtalk-card.ts).
      const req = cardCallbackRequest({ outTrackId: card.id, userId, params: { key: b.key, sig: b.sig } });
      return ctx.post(new Request(`${ROUTE}/dingtalk`, { method: "POST", headers: req.headers, body: await req.text() }));
    },
    texts,
    last: async (userId) => (await texts(userId)).at(-1) ?? "",
    cards: async (userId) => (await cards(userId)).map(({ id, title, text, buttons }) => ({ id, title, text, buttons: buttons.map(({ key, label }) => ({ key, label })) })),
    updates: async (userId) => fake.updates.filter((u) => u.userId === userId).map((u) => ({ cardId: u.outTrackId, text: u.cardParamMap["status"] ?? "" })),
  };
}

/** Keeps each Telegram message as sent: an edit replaces the fake's copy of its buttons. */
export function telegramSnapshots(fake: FakeTelegram): { fetch: typeof fetch; sent: Map<number, FakeMessage> } {
  const sent = new Map<number, FakeMessage>();
  const f = async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fake.fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.endsWith("/sendMessage") && res.ok) {
      const id = ((await res.clone().json()) as { result: { message_id: number } }).result.message_id;
      const m = fake.messages.find((x) => x.messageId === id);
      if (m) sent.set(id, structuredClone(m));
    }
    return res;
  };
  return { fetch: f as typeof fetch, sent };
}

const decodeHtml = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

export function telegramDriver(ctx: DriverContext, fake: FakeTelegram, snapshots: Map<number, FakeMessage>, webhookSecret: string): ChannelDriver {
  // The button store the adapter keeps its cards' keys in (ChannelToken table).
  const store = tokenBackedButtonStore(cachedTokenStore(ctx.now, channelTokenTable(ctx.prisma)));
  const original = (m: FakeMessage) => snapshots.get(m.messageId) ?? m;
  async function view(m: FakeMessage): Promise<(SeenCard & { buttons: Array<{ key: string; label: string; data: string; messageId: number }> }) | null> {
    const buttons = (m.replyMarkup?.inline_keyboard ?? []).flat().filter((b) => b.callback_data?.startsWith("b."));
    if (buttons.length === 0) return null;
    const ref = /^b\.([^.]+)\.(\d+)\./.exec(buttons[0]!.callback_data!)?.[1] ?? "";
    const entry = await store.get(ref);
    const [title, ...rest] = decodeHtml(m.text ?? "").split("\n");
    return {
      id: entry?.cardId ?? "",
      title: title ?? "",
      text: rest.join("\n").trim(),
      buttons: buttons.map((b) => ({ key: entry?.keys[Number(/^b\.[^.]+\.(\d+)\./.exec(b.callback_data!)?.[1])] ?? "", label: b.text, data: b.callback_data!, messageId: m.messageId })),
    };
  }
  const cards = async (userId: string) => {
    const out: Array<NonNullable<Awaited<ReturnType<typeof view>>>> = [];
    for (const m of fake.messagesTo(userId)) {
      const c = await view(original(m));
      if (c) out.push(c);
    }
    return out;
  };
  const texts = async (userId: string) => {
    const out: string[] = [];
    for (const m of fake.messagesTo(userId)) {
      const c = await view(original(m));
      out.push(c ? cardText(c) : m.photo ? "[image]" : decodeHtml(original(m).text ?? ""));
    }
    return out;
  };
  return {
    channel: "telegram",
    say: (userId, text) => ctx.post(webhookRequest(textUpdate(500_000 + nextSeq(), Number(userId), text, Math.floor(ctx.now().getTime() / 1000)), webhookSecret, `${ROUTE}/telegram`)),
    async tap(userId, label) {
      const { button: b } = pick(await cards(userId), "telegram", userId, label);
      return ctx.post(webhookRequest(callbackUpdate(500_000 + nextSeq(), Number(userId), b.data, b.messageId), webhookSecret, `${ROUTE}/telegram`));
    },
    texts,
    last: async (userId) => (await texts(userId)).at(-1) ?? "",
    cards: async (userId) => (await cards(userId)).map(({ id, title, text, buttons }) => ({ id, title, text, buttons: buttons.map(({ key, label }) => ({ key, label })) })),
    async updates(userId) {
      const out: SeenUpdate[] = [];
      for (const e of fake.edits.filter((x) => x.chatId === userId)) {
        const m = snapshots.get(e.messageId);
        out.push({ cardId: (m && (await view(m))?.id) ?? "", text: e.replyMarkup?.inline_keyboard.flat()[0]?.text ?? decodeHtml(e.text ?? "") });
      }
      return out;
    },
  };
}

/** The simulator page's channel: what the page POSTs in; what reached it is its sent outbox rows. */
export function webDriver(ctx: DriverContext): ChannelDriver {
  const sent = async (userId: string) =>
    (await ctx.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: userId, status: "SENT" }, orderBy: { seq: "asc" } })).map((r) => JSON.parse(r.payloadJson) as OutboundMessage);
  const toCard = (m: Extract<OutboundMessage, { kind: "card" }>): SeenCard => ({
    id: m.card.id,
    title: m.card.title,
    text: [m.card.description ?? "", ...(m.card.facts ?? []).map((f) => `${f.label}：${f.value}`)].filter(Boolean).join("\n"),
    buttons: m.card.buttons.map((b) => ({ key: b.key, label: b.label })),
  });
  const cards = async (userId: string) => (await sent(userId)).flatMap((m) => (m.kind === "card" ? [toCard(m)] : []));
  const texts = async (userId: string) =>
    (await sent(userId)).flatMap((m) => {
      if (m.kind === "card") return [cardText(toCard(m))];
      if (m.kind === "card_update") return [];
      return [m.kind === "text" ? m.text : m.kind === "markdown" ? m.markdown : `[${m.kind}]`];
    });
  const post = (body: Record<string, unknown>) =>
    ctx.post(new Request(`${ROUTE}/web`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientMsgId: `journey-${String(nextSeq()).padStart(6, "0")}`, ...body }) }));
  return {
    channel: "web",
    say: (userId, text) => post({ userId, text }),
    async tap(userId, label) {
      const { card, button } = pick(await cards(userId), "web", userId, label);
      return post({ userId, key: button.key, cardId: card.id });
    },
    texts,
    last: async (userId) => (await texts(userId)).at(-1) ?? "",
    cards,
    updates: async (userId) => (await sent(userId)).flatMap((m) => (m.kind === "card_update" ? [{ cardId: m.cardId, text: m.replaceName }] : [])),
  };
}
