// Builds requests exactly as DingTalk sends them to /webhooks/dingtalk, with node:crypto alone
// (independent of the adapter's code): robot messages signed with the timestamp/sign headers,
// encrypted event callbacks (sha1 signature, AES-256-CBC, 32-byte PKCS#7), and card callbacks.
import { createCipheriv, createHash, createHmac, randomBytes } from "node:crypto";

export const DINGTALK_URL = "https://bot.test/webhooks/dingtalk";

export function robotSignature(appSecret: string, timestamp: string): string {
  return createHmac("sha256", appSecret).update(`${timestamp}\n${appSecret}`).digest("base64");
}

/** A robot's one-to-one text message, shaped like DingTalk's HTTP-mode callback. */
export function robotTextBody(m: { userId: string; text: string; msgId: string; robotCode: string; createAt?: number; conversationId?: string }): Record<string, unknown> {
  return {
    conversationId: m.conversationId ?? `cid${m.userId}`,
    chatbotCorpId: "dingcorp0000",
    chatbotUserId: "$:LWCP_v1:$robot",
    msgId: m.msgId,
    senderNick: "测试用户",
    isAdmin: false,
    senderStaffId: m.userId,
    sessionWebhookExpiredTime: (m.createAt ?? Date.now()) + 5_400_000,
    createAt: m.createAt ?? Date.now(),
    senderCorpId: "dingcorp0000",
    conversationType: "1",
    senderId: `$:LWCP_v1:$${m.userId}`,
    sessionWebhook: "https://oapi.dingtalk.com/robot/sendBySession?session=x",
    robotCode: m.robotCode,
    msgtype: "text",
    text: { content: m.text },
  };
}

export function signedRobotRequest(appSecret: string, body: unknown, timestamp: number | string, opts: { sign?: string; url?: string } = {}): Request {
  const ts = String(timestamp);
  return new Request(opts.url ?? DINGTALK_URL, {
    method: "POST",
    headers: { "content-type": "application/json", timestamp: ts, sign: opts.sign ?? robotSignature(appSecret, ts) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A card button callback carrying the clicked action's params ({key, sig} per our template). */
export function cardCallbackRequest(m: { outTrackId: string; userId: string; params: Record<string, unknown> }): Request {
  const body = {
    outTrackId: m.outTrackId,
    corpId: "dingcorp0000",
    userId: m.userId,
    type: "actionCallback",
    content: JSON.stringify({ cardPrivateData: { actionIds: ["btn1"], params: m.params } }),
  };
  return new Request(DINGTALK_URL, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

export function encryptForDingtalk(aesKey: string, message: string, ownerKey: string): string {
  const key = Buffer.from(`${aesKey}=`, "base64");
  const msg = Buffer.from(message);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(ownerKey)]);
  const pad = 32 - (body.length % 32);
  const c = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), c.final()]).toString("base64");
}

export function callbackSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash("sha1").update([token, timestamp, nonce, encrypt].sort().join("")).digest("hex");
}

/** An encrypted event callback (事件订阅 HTTP mode): query msg_signature/timeStamp/nonce, body {"encrypt"}. */
export function encryptedEventRequest(m: { token: string; aesKey: string; ownerKey: string; plaintext: string; timestamp: number | string; nonce?: string }): Request {
  const timestamp = String(m.timestamp);
  const nonce = m.nonce ?? "nonce123";
  const encrypt = encryptForDingtalk(m.aesKey, m.plaintext, m.ownerKey);
  const q = new URLSearchParams({ msg_signature: callbackSignature(m.token, timestamp, nonce, encrypt), timeStamp: timestamp, nonce });
  return new Request(`${DINGTALK_URL}?${q}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ encrypt }) });
}
