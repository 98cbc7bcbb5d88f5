import { createHash } from "node:crypto";
import { createWecomAdapter } from "../../src/channels/wecom/wecom-adapter.ts";
import { createFakeWecom } from "../fakes/fake-wecom-api.ts";
import { cardClickXml, signCallback, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { runChannelContract, type ChannelContractHarness, type DeliveredMessage } from "./channel-contract.ts";

const corpId = "ww0contract00001";
const agentId = 1000002;
const token = "contractToken";
const encodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

function setup(): ChannelContractHarness {
  const now = () => new Date("2026-03-02T02:00:00Z");
  const fake = createFakeWecom({ corpId, secret: "s3cret", agentId, now });
  const adapter = createWecomAdapter({ corpId, agentId, secret: "s3cret", token, encodingAesKey, fetch: fake.fetch, now });
  const ts = Math.floor(now().getTime() / 1000);
  const request = (innerXml: string) => {
    const s = signCallback({ token, encodingAesKey, corpId, innerXml, timestamp: ts, agentId });
    return new Request(`https://bot.test/wecom/callback?${s.query}`, { method: "POST", body: s.body });
  };
  return {
    adapter,
    // WeCom redelivers with the same MsgId; derive it from the content so "built twice" matches.
    textRequest: (userId, text) => {
      const msgId = createHash("sha256").update(`${userId}\0${text}`).digest().readBigUInt64BE(0).toString();
      return request(textMessageXml({ toUser: corpId, fromUser: userId, content: text, msgId, createTime: ts, agentId }));
    },
    buttonRequest: (userId, key, cardId) =>
      request(
        cardClickXml({
          toUser: corpId,
          fromUser: userId,
          eventKey: key,
          taskId: cardId,
          responseCode: fake.issueResponseCode(userId, cardId),
          createTime: ts,
          agentId,
        }),
      ),
    delivered: () => [
      ...fake.sent.map((s) => ({
        userId: s.touser,
        // An image message names an upload: what the member sees is that file.
        message: s.msgtype === "image" ? ({ kind: "image", bytes: fake.uploads.find((u) => u.mediaId === s.mediaId)?.bytes ?? new Uint8Array() } as DeliveredMessage) : toView(s.msgtype, s.content, s.templateCard),
      })),
      ...fake.updates.map((u) => ({
        userId: u.userids[0] ?? "",
        message: { kind: "card_update", cardId: u.taskId, replaceName: u.replaceName ?? "" } as DeliveredMessage,
      })),
    ],
    failNextSend: (kind) =>
      fake.injectFailure(kind === "api" ? { kind: "errcode", errcode: 40003, path: "message/send" } : { kind: "http500", path: "message/send" }),
  };
}

function toView(msgtype: string, content: string | undefined, tc: Record<string, unknown> | undefined): DeliveredMessage {
  if (msgtype === "text") return { kind: "text", text: content ?? "" };
  if (msgtype === "markdown") return { kind: "markdown", markdown: content ?? "" };
  const buttons = (tc?.["button_list"] as Array<{ key: string; text: string }> | undefined) ?? [];
  return {
    kind: "card",
    card: {
      id: String(tc?.["task_id"]),
      title: String((tc?.["main_title"] as { title?: string } | undefined)?.title ?? ""),
      buttons: buttons.map((b) => ({ key: b.key, label: b.text })),
    },
  };
}

runChannelContract("wecom", setup);
