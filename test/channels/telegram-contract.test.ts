// The Telegram channel against the shared contract: updates POSTed as Telegram would (with the
// secret header), Bot API calls into the in-process fake.
import { createHash } from "node:crypto";
import { createTelegramAdapter } from "../../src/channels/telegram/telegram-adapter.ts";
import { memoryButtonStore, type TelegramButtonStore } from "../../src/channels/telegram/telegram-buttons.ts";
import { createFakeTelegram, callbackUpdate, textUpdate, webhookRequest, type FakeMessage, type FakeTelegram } from "../fakes/fake-telegram-api.ts";
import { runChannelContract, type ChannelContractHarness, type DeliveredMessage } from "./channel-contract.ts";

const TOKEN = "123456789:AAContractTokenForTheFakeBotApi_0123";
const SECRET = "contract_webhook-secret_0123";
const SIGNING = "contract-signing-secret-0123456789";
const NOW = new Date("2026-03-02T02:00:00Z");

/** A stable update_id from the content, as a redelivery keeps its id. */
const updateId = (...parts: string[]) => createHash("sha256").update(parts.join("\0")).digest().readUInt32BE(0);

/** Our HTML back into the markdown it came from (the contract compares markdown as sent). */
function htmlToMarkdown(html: string): string {
  return html
    .replace(/<b>(.*?)<\/b>/g, "**$1**")
    .replace(/<i>(.*?)<\/i>/g, "*$1*")
    .replace(/<s>(.*?)<\/s>/g, "~~$1~~")
    .replace(/<code>(.*?)<\/code>/g, "`$1`")
    .replace(/<a href="(.*?)">(.*?)<\/a>/g, "[$2]($1)")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** A card as the contract sees it: its buttons' keys and card id, resolved through the store as a tap is. */
async function cardView(m: FakeMessage, buttons: TelegramButtonStore): Promise<DeliveredMessage> {
  const row = (m.replyMarkup?.inline_keyboard ?? []).flat().filter((b) => b.callback_data);
  const refs = row.map((b) => /^b\.([^.]+)\.(\d)\./.exec(b.callback_data!)!);
  const entry = refs[0] ? await buttons.get(refs[0][1]!) : null;
  return {
    kind: "card",
    card: {
      id: entry?.cardId ?? "",
      title: htmlToMarkdown(/^<b>(.*?)<\/b>/.exec(m.text ?? "")?.[1] ?? ""),
      buttons: row.map((b, i) => ({ key: entry?.keys[Number(refs[i]![2])] ?? "", label: b.text })),
    },
  };
}

function telegramHarness(): { fake: FakeTelegram; buttons: ReturnType<typeof memoryButtonStore>; harness: ChannelContractHarness } {
  const fake = createFakeTelegram({ token: TOKEN });
  const buttons = memoryButtonStore(() => NOW);
  const adapter = createTelegramAdapter({
    botToken: TOKEN,
    webhookSecret: SECRET,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo as never,
    signingSecret: SIGNING,
    buttons,
    fetch: fake.fetch,
    now: () => NOW,
  });
  let delivered: Array<{ userId: string; message: DeliveredMessage }> = [];
  const harness: ChannelContractHarness = {
    adapter,
    textRequest: (userId, text) => webhookRequest(textUpdate(updateId("t", userId, text), userId, text), SECRET),
    // A tap happens on a card we sent: send it, then tap its button as the client would.
    buttonRequest: async (userId, key, cardId) => {
      const sent = await adapter.send(userId, { kind: "card", card: { id: cardId, title: "待审核", buttons: [{ key, label: "同意" }] } });
      const m = fake.messages.find((x) => x.chatId === userId && String(x.messageId) === sent.externalId)!;
      const data = m.replyMarkup!.inline_keyboard[0]![0]!.callback_data!;
      return webhookRequest(callbackUpdate(updateId("b", userId, key, cardId), userId, data, m.messageId), SECRET);
    },
    delivered: () => delivered,
    failNextSend: (kind) =>
      fake.failNext(kind === "api" ? { kind: "api", code: 403, description: "Forbidden: bot was blocked by the user" } : { kind: "http", status: 502 }),
  };
  // delivered() is synchronous in the contract; card views need the (async) store, so keep the
  // view current after every send.
  const send = adapter.send.bind(adapter);
  adapter.send = async (...args) => {
    try {
      return await send(...args);
    } finally {
      delivered = await viewAll(fake, buttons);
    }
  };
  return { fake, buttons, harness };
}

async function viewAll(fake: FakeTelegram, buttons: TelegramButtonStore): Promise<Array<{ userId: string; message: DeliveredMessage }>> {
  const out: Array<{ userId: string; message: DeliveredMessage }> = [];
  for (const m of fake.messages) {
    let message: DeliveredMessage;
    if (m.photo) message = { kind: "image", bytes: m.photo.bytes };
    else if (m.replyMarkup?.inline_keyboard.flat().some((b) => b.callback_data?.startsWith("b."))) message = await cardView(m, buttons);
    else if (m.parseMode === "HTML") message = { kind: "markdown", markdown: htmlToMarkdown(m.text ?? "") };
    else message = { kind: "text", text: m.text ?? "" };
    out.push({ userId: m.chatId, message });
  }
  for (const e of fake.edits) {
    const label = e.replyMarkup?.inline_keyboard[0]?.[0]?.text ?? "";
    out.push({ userId: e.chatId, message: { kind: "card_update", replaceName: label } });
  }
  return out;
}

runChannelContract("telegram", () => telegramHarness().harness);
