import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDingtalkAdapter, type DingtalkAdapterOptions } from "../../src/channels/dingtalk/dingtalk-adapter.ts";
import { decryptMessage, envelopeSignature, signButton } from "../../src/channels/dingtalk/dingtalk-crypto.ts";
import { memoryTokenStore } from "../../src/channels/token-store.ts";
import { DomainError, PayloadTooLargeError, UnauthenticatedError, ValidationError } from "../../src/domain/errors.ts";
import { createFakeDingtalk } from "../fakes/fake-dingtalk-api.ts";
import { DINGTALK_URL, cardCallbackRequest, encryptedEventRequest, robotSignature, robotTextBody, signedRobotRequest } from "../fakes/dingtalk-signer.ts";

const appKey = "dinginboundkey01";
const appSecret = "inbound-app-secret-0123456789";
const robotCode = appKey;
const signingSecret = "inbound-signing-secret-0123456789";
const token = "callbackToken1";
const aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const NOW = new Date("2026-03-02T02:00:00Z");

function adapter(over: Partial<DingtalkAdapterOptions> = {}) {
  const now = over.now ?? (() => NOW);
  const fake = createFakeDingtalk({ appKey, appSecret, robotCode, now });
  return createDingtalkAdapter({ appKey, appSecret, robotCode, apiBase: "https://api.dingtalk.com", callbackToken: token, callbackAesKey: aesKey, tokens: memoryTokenStore(now), signingSecret, maxAgeSeconds: 300, fetch: fake.fetch, now, ...over });
}

const text = (userId = "staff01", content = "你好", msgId = "msgA1") => robotTextBody({ userId, text: content, msgId, robotCode });

describe("dingtalk robot messages", () => {
  it("a signed text message is one text event from senderStaffId, deduplicated by msgId", async () => {
    const r = await adapter().handleRequest(signedRobotRequest(appSecret, text("staff01", "  申请专利  ", "msgXYZ"), NOW.getTime()));
    expect(r.response.status).toBe(200);
    expect(r.events).toEqual([{ kind: "text", text: "申请专利", sender: { channel: "dingtalk", userId: "staff01" }, dedupeKey: "msg:msgXYZ", receivedAt: NOW }]);
  });

  it("a bad sign, another secret's sign, or missing headers are refused as unauthenticated", async () => {
    const a = adapter();
    const ts = String(NOW.getTime());
    await expect(a.handleRequest(signedRobotRequest(appSecret, text(), ts, { sign: robotSignature(appSecret, ts).replace(/^./, (c) => (c === "A" ? "B" : "A")) }))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(a.handleRequest(signedRobotRequest(appSecret, text(), ts, { sign: robotSignature("another-secret", ts) }))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(a.handleRequest(new Request(DINGTALK_URL, { method: "POST", body: JSON.stringify(text()) }))).rejects.toBeInstanceOf(UnauthenticatedError);
    // The sign of one timestamp does not carry over to another.
    await expect(a.handleRequest(signedRobotRequest(appSecret, text(), NOW.getTime() + 1, { sign: robotSignature(appSecret, ts) }))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("a timestamp more than an hour off (either way) is refused; within the hour it is taken", async () => {
    const a = adapter();
    const hour = 3600_000;
    await expect(a.handleRequest(signedRobotRequest(appSecret, text(), NOW.getTime() - hour - 1000))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(a.handleRequest(signedRobotRequest(appSecret, text(), NOW.getTime() + hour + 1000))).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await a.handleRequest(signedRobotRequest(appSecret, text(), NOW.getTime() - hour + 60_000))).events).toHaveLength(1);
    await expect(a.handleRequest(signedRobotRequest(appSecret, text(), "17e11"))).rejects.toBeInstanceOf(ValidationError);
  });

  it("other message types give no event but a 200", async () => {
    const body = { ...text(), msgtype: "picture", content: { downloadCode: "x" } };
    delete (body as Record<string, unknown>)["text"];
    const r = await adapter().handleRequest(signedRobotRequest(appSecret, body, NOW.getTime()));
    expect(r.response.status).toBe(200);
    expect(r.events).toEqual([]);
  });

  it("hostile bodies are ValidationErrors (or too large), never a crash", async () => {
    const a = adapter();
    const signed = (body: unknown) => a.handleRequest(signedRobotRequest(appSecret, body, NOW.getTime()));
    for (const body of ["not json", "[1,2]", "null", "42", '"s"', JSON.stringify({ ...text(), text: null }), JSON.stringify({ ...text(), text: { content: 5 } }), JSON.stringify({ ...text(), senderStaffId: undefined }), JSON.stringify({ ...text(), msgId: 7 }), JSON.stringify({ ...text(), text: { content: "a\u0000b" } })]) {
      await expect(signed(body), body).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(signed("x".repeat(70_000))).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(a.handleRequest(new Request(DINGTALK_URL, { method: "POST" }))).rejects.toBeInstanceOf(ValidationError);
    await expect(a.handleRequest(new Request(DINGTALK_URL, { method: "GET" }))).rejects.toBeInstanceOf(ValidationError);
  });

  it("any JSON value, signed or not, gives events or a DomainError", async () => {
    const a = adapter();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (v, sign) => {
        const req = sign ? signedRobotRequest(appSecret, JSON.stringify(v) ?? "null", NOW.getTime()) : new Request(DINGTALK_URL, { method: "POST", body: JSON.stringify(v) ?? "null" });
        try {
          await a.handleRequest(req);
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("dingtalk card button callbacks", () => {
  const click = (userId: string, key: string, outTrackId: string, sig = signButton(signingSecret, outTrackId, userId, key)) => cardCallbackRequest({ outTrackId, userId, params: { key, sig } });

  it("a click carrying the key we signed for this card and user is a button event whose handle is the outTrackId", async () => {
    const a = adapter();
    const r = await a.handleRequest(click("staff02", "approve:7", "card_7"));
    expect(r.response.status).toBe(200);
    expect(r.events).toMatchObject([{ kind: "button", key: "approve:7", cardId: "card_7", handle: "card_7", sender: { channel: "dingtalk", userId: "staff02" } }]);
    const again = await a.handleRequest(click("staff02", "approve:7", "card_7"));
    expect(again.events[0]!.dedupeKey).toBe(r.events[0]!.dedupeKey);
  });

  it("a forged key, another user's or another card's signature, or another secret is refused", async () => {
    const a = adapter();
    const sig = signButton(signingSecret, "card_7", "staff02", "reject:7");
    await expect(a.handleRequest(click("staff02", "approve:7", "card_7", sig))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(a.handleRequest(click("staff03", "reject:7", "card_7", sig))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(a.handleRequest(click("staff02", "reject:7", "card_8", sig))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(a.handleRequest(click("staff02", "reject:7", "card_7", signButton("other-secret-0123456789", "card_7", "staff02", "reject:7")))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("malformed card callbacks are ValidationErrors", async () => {
    const a = adapter();
    const post = (body: unknown) => a.handleRequest(new Request(DINGTALK_URL, { method: "POST", body: JSON.stringify(body) }));
    await expect(post({ outTrackId: "c1", userId: "u1", content: "not json" })).rejects.toBeInstanceOf(ValidationError);
    await expect(post({ outTrackId: "c1", userId: "u1", content: "null" })).rejects.toBeInstanceOf(ValidationError);
    await expect(post({ outTrackId: "c1", userId: "u1", content: JSON.stringify({ cardPrivateData: { params: [] } }) })).rejects.toBeInstanceOf(ValidationError);
    await expect(post({ outTrackId: "c1", userId: "u1" })).rejects.toBeInstanceOf(ValidationError);
    await expect(post({ outTrackId: 5, userId: "u1", content: "{}" })).rejects.toBeInstanceOf(ValidationError);
    await expect(post({ outTrackId: "c1", content: "{}" })).rejects.toBeInstanceOf(ValidationError);
    await expect(post({ outTrackId: "c1", userId: "u1", content: JSON.stringify({ cardPrivateData: { params: { key: "k" } } }) })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("dingtalk encrypted event callbacks", () => {
  // DingTalk's own local-debugging sample (open.dingtalk.com FAQ "回调接口本地调试方案", doc ltr370;
  // also in open-dingtalk/DingTalk-Callback-Crypto's ports): token 123456, the aes key below,
  // owner key suite4xxxxxxxxxxxxxxx, and this query and body.
  const official = {
    token: "123456",
    aesKey: "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij",
    ownerKey: "suite4xxxxxxxxxxxxxxx",
    query: "signature=5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0&timestamp=1445827045067&nonce=nEXhMP4r",
    encrypt: "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==",
    plaintext: '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
  };
  const officialAdapter = (maxAgeSeconds: number, now = () => new Date(1445827045067 + 2000)) => adapter({ appKey: official.ownerKey, callbackToken: official.token, callbackAesKey: official.aesKey, maxAgeSeconds, now });
  const officialRequest = (query = official.query, encrypt = official.encrypt) => new Request(`${DINGTALK_URL}?${query}`, { method: "POST", body: JSON.stringify({ encrypt }) });

  it("the official sample verifies and decrypts, and the answer is the encrypted, signed \"success\"", async () => {
    expect(decryptMessage(official.aesKey, official.encrypt, official.ownerKey)).toBe(official.plaintext);
    const r = await officialAdapter(300).handleRequest(officialRequest());
    expect(r.events).toEqual([]);
    const answer = (await r.response.json()) as { msg_signature: string; timeStamp: string; nonce: string; encrypt: string };
    expect(Object.keys(answer).sort()).toEqual(["encrypt", "msg_signature", "nonce", "timeStamp"]);
    expect(answer.timeStamp).toBe(String(1445827045067 + 2000));
    expect(answer.msg_signature).toBe(envelopeSignature(official.token, answer.timeStamp, answer.nonce, answer.encrypt));
    expect(decryptMessage(official.aesKey, answer.encrypt, official.ownerKey)).toBe("success");
  });

  it("the official sample is stale today (ms timestamps against maxAgeSeconds), unless the window is off", async () => {
    await expect(officialAdapter(300, () => NOW).handleRequest(officialRequest())).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await officialAdapter(0, () => NOW).handleRequest(officialRequest())).events).toEqual([]);
  });

  it("a tampered signature, nonce or ciphertext, or another owner key, is refused", async () => {
    await expect(officialAdapter(0).handleRequest(officialRequest(official.query.replace("5a65", "5a66")))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(officialAdapter(0).handleRequest(officialRequest(official.query.replace("nEXhMP4r", "nEXhMP4s")))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(officialAdapter(0).handleRequest(officialRequest(official.query, official.encrypt.replace("1a3N", "1a3M")))).rejects.toBeInstanceOf(UnauthenticatedError);
    const other = adapter({ appKey: "suite4yyyyyyyyyyyyyyy", callbackToken: official.token, callbackAesKey: official.aesKey, maxAgeSeconds: 0 });
    await expect(other.handleRequest(officialRequest())).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("takes the msg_signature / timeStamp spelling too, with our app key as owner key", async () => {
    const req = encryptedEventRequest({ token, aesKey, ownerKey: appKey, plaintext: JSON.stringify({ EventType: "check_url" }), timestamp: NOW.getTime() - 10_000 });
    const r = await adapter().handleRequest(req);
    expect(r.events).toEqual([]);
    const answer = (await r.response.json()) as { encrypt: string };
    expect(decryptMessage(aesKey, answer.encrypt, appKey)).toBe("success");
  });

  it("hostile encrypted bodies are DomainErrors: unsigned, bad base64, non-string, not configured", async () => {
    const a = adapter();
    await expect(a.handleRequest(new Request(DINGTALK_URL, { method: "POST", body: JSON.stringify({ encrypt: "abc" }) }))).rejects.toBeInstanceOf(ValidationError);
    await expect(a.handleRequest(new Request(DINGTALK_URL, { method: "POST", body: JSON.stringify({ encrypt: 12 }) }))).rejects.toBeInstanceOf(ValidationError);
    const ts = String(NOW.getTime());
    const sig = (enc: string) => envelopeSignature(token, ts, "n1", enc);
    for (const enc of ["!!!!", "QUJD", "A".repeat(44)]) {
      const req = new Request(`${DINGTALK_URL}?msg_signature=${sig(enc)}&timeStamp=${ts}&nonce=n1`, { method: "POST", body: JSON.stringify({ encrypt: enc }) });
      await expect(a.handleRequest(req), enc).rejects.toBeInstanceOf(DomainError);
    }
    // Signed correctly but encrypted with another key, or for another owner: no plaintext comes out.
    const wrongKey = encryptedEventRequest({ token, aesKey: "zyxwvutsrqponmlkjihgfedcba9876543210ABCDEFG", ownerKey: appKey, plaintext: "{}", timestamp: ts });
    await expect(a.handleRequest(wrongKey)).rejects.toBeInstanceOf(UnauthenticatedError);
    const wrongOwner = encryptedEventRequest({ token, aesKey, ownerKey: "someone-else", plaintext: "{}", timestamp: ts });
    await expect(a.handleRequest(wrongOwner)).rejects.toBeInstanceOf(UnauthenticatedError);
    const plainNotJson = encryptedEventRequest({ token, aesKey, ownerKey: appKey, plaintext: "not json", timestamp: ts });
    await expect(a.handleRequest(plainNotJson)).rejects.toBeInstanceOf(ValidationError);
    const off = adapter({ callbackToken: undefined, callbackAesKey: undefined });
    await expect(off.handleRequest(encryptedEventRequest({ token, aesKey, ownerKey: appKey, plaintext: "{}", timestamp: ts }))).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
