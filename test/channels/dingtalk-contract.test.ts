import { createHash } from "node:crypto";
import { signButton } from "../../src/channels/dingtalk/dingtalk-crypto.ts";
import { dingtalkChannel } from "../../src/channels/dingtalk/dingtalk-channel.ts";
import { memoryTokenStore } from "../../src/channels/token-store.ts";
import { createFakeDingtalk, type FakeDingtalkSent } from "../fakes/fake-dingtalk-api.ts";
import { cardCallbackRequest, robotTextBody, signedRobotRequest } from "../fakes/dingtalk-signer.ts";
import { runChannelContract, type ChannelContractHarness, type DeliveredMessage } from "./channel-contract.ts";

const appKey = "dingcontractkey01";
const appSecret = "contract-app-secret-0123456789";
const robotCode = "dingcontractkey01";
const cardTemplateId = "contract-template.schema";
const signingSecret = "contract-signing-secret-0123456789";

function setup(): ChannelContractHarness {
  const now = () => new Date("2026-03-02T02:00:00Z");
  const fake = createFakeDingtalk({ appKey, appSecret, robotCode, cardTemplateId, now });
  const config = dingtalkChannel.configSchema.parse({
    DINGTALK_APP_KEY: appKey,
    DINGTALK_APP_SECRET: appSecret,
    DINGTALK_ROBOT_CODE: robotCode,
    DINGTALK_CARD_TEMPLATE_ID: cardTemplateId,
    DINGTALK_CARD_ROUTE_KEY: "contract-route",
  });
  const adapter = dingtalkChannel.create(config, { fetch: fake.fetch, now, maxAgeSeconds: 300, tokens: memoryTokenStore(now), signingSecret });
  return {
    adapter,
    // DingTalk redelivers with the same msgId; derive it from the content so "built twice" matches.
    textRequest: (userId, text) => {
      const msgId = "msg" + createHash("sha256").update(`${userId}\0${text}`).digest("hex").slice(0, 24);
      return signedRobotRequest(appSecret, robotTextBody({ userId, text, msgId, robotCode }), now().getTime());
    },
    // What our card carried for this user and key (dingtalk-card.ts), sent back by the click.
    buttonRequest: (userId, key, cardId) => cardCallbackRequest({ outTrackId: cardId, userId, params: { key, sig: signButton(signingSecret, cardId, userId, key) } }),
    delivered: () => [
      ...fake.sent.map((s) => ({ userId: s.userId, message: toView(s) })),
      ...fake.updates.map((u) => ({ userId: u.userId, message: { kind: "card_update", cardId: u.outTrackId, replaceName: u.cardParamMap["status"] ?? "" } as DeliveredMessage })),
    ],
    failNextSend: (kind) => fake.injectFailure({ kind, path: "batchSend" }),
  };
}

function toView(s: FakeDingtalkSent): DeliveredMessage {
  if (s.kind === "text") return { kind: "text", text: s.text ?? "" };
  if (s.kind === "markdown") return { kind: "markdown", markdown: s.markdown ?? "" };
  const m = s.cardParamMap ?? {};
  const buttons = [1, 2, 3, 4, 5, 6].filter((i) => m[`btn${i}_show`] === "true").map((i) => ({ key: m[`btn${i}_key`] ?? "", label: m[`btn${i}_text`] ?? "" }));
  return { kind: "card", card: { id: s.outTrackId ?? "", title: m["title"] ?? "", buttons } };
}

runChannelContract("dingtalk", setup);
