// A chat id becomes the sender's userId, an indexed text column, and a file id is stored with an
// attachment: one with a NUL (or any control character) is a 400, since PostgreSQL refuses NUL
// at insert (a 500 there, or a failed handler).
// Found by test/reliability/fuzz-channel-routes.test.ts.
import { describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../../src/channels/telegram/telegram-adapter.ts";
import { memoryButtonStore } from "../../src/channels/telegram/telegram-buttons.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { createFakeTelegram, photoUpdate, textUpdate, webhookRequest } from "../fakes/fake-telegram-api.ts";

const TOKEN = "987654321:AAChatIdTestTokenForTheFakeBotApi_001";
const SECRET = "chat-id-secret_0123";

function adapter() {
  const fake = createFakeTelegram({ token: TOKEN });
  return createTelegramAdapter({ botToken: TOKEN, webhookSecret: SECRET, apiRoot: fake.apiRoot, botInfo: fake.botInfo as never, signingSecret: "chat-id-signing-secret-0123456789", buttons: memoryButtonStore(), fetch: fake.fetch });
}

describe("telegram chat ids", () => {
  it("a string id with NUL or another control character is refused; numeric and plain string ids pass", async () => {
    const a = adapter();
    for (const id of ["a\u0000b", "\u0000", "x\u001f", "x\u007f"]) {
      await expect(a.handleRequest(webhookRequest(textUpdate(1, id, "你好"), SECRET))).rejects.toBeInstanceOf(ValidationError);
    }
    for (const [i, id] of ([1001, -1001234567890, "1002", "user_c"] as const).entries()) {
      const r = await a.handleRequest(webhookRequest(textUpdate(10 + i, id, "你好"), SECRET));
      expect(r.events.map((e) => e.sender.userId)).toEqual([String(id)]);
    }
  });

  it("a file id with NUL or another control character is refused", async () => {
    const a = adapter();
    await expect(a.handleRequest(webhookRequest(photoUpdate(30, 1001, ["a", "b", "c\u0000"]), SECRET))).rejects.toBeInstanceOf(ValidationError);
    const doc = { update_id: 31, message: { message_id: 31, date: 0, chat: { id: 1001, type: "private" }, document: { file_id: "d\u0007", mime_type: "image/png" } } };
    await expect(a.handleRequest(webhookRequest(doc, SECRET))).rejects.toBeInstanceOf(ValidationError);
    const ok = await a.handleRequest(webhookRequest(photoUpdate(32, 1001, ["a", "b", "AgACAgQAAxkBAAIB-c_x"]), SECRET));
    expect(ok.events).toMatchObject([{ kind: "media", mediaId: "AgACAgQAAxkBAAIB-c_x" }]);
  });
});
