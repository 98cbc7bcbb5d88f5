// Callback handling: normalization of what WeCom sends, and every way a callback can be bad.
import { describe, expect, it } from "vitest";
import { createCipheriv } from "node:crypto";
import { encrypt as wecomEncrypt, getSignature } from "@wecom/crypto";
import { createWecomAdapter } from "../../src/channels/wecom/wecom-adapter.ts";
import { DomainError, PayloadTooLargeError, UnauthenticatedError, ValidationError } from "../../src/domain/errors.ts";
import { cardClickXml, enterAgentXml, signCallback, signUrlVerification, textMessageXml } from "../fakes/wecom-callback-signer.ts";

const corpId = "ww1234567890abcdef";
const agentId = 1000002;
const token = "tOkEn123";
const encodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const NOW = new Date("2026-03-02T02:00:00Z");
const ts = Math.floor(NOW.getTime() / 1000);
const noNetwork: typeof fetch = () => Promise.reject(new Error("no API call expected"));

const adapter = (extra: { maxBodyBytes?: number } = {}) =>
  createWecomAdapter({ corpId, agentId, secret: "s", token, encodingAesKey, fetch: noNetwork, now: () => NOW, ...extra });

const post = (query: string, body: BodyInit, init: RequestInit = {}) =>
  new Request(`https://bot.test/wecom/callback?${query}`, { method: "POST", body, ...init });

function signed(innerXml: string, o: { corp?: string; timestamp?: number } = {}) {
  return signCallback({ token, encodingAesKey, corpId: o.corp ?? corpId, innerXml, timestamp: o.timestamp ?? ts, agentId });
}
const helloXml = textMessageXml({ toUser: corpId, fromUser: "zhangsan", content: "你好", msgId: "7001", createTime: ts, agentId });

/** Rejects with exactly this DomainError subclass (never a bare Error / TypeError / RangeError). */
async function refused(p: Promise<unknown>, cls: new (...a: never[]) => DomainError) {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(DomainError);
  expect(e).toBeInstanceOf(cls);
}

describe("wecom inbound: normalization", () => {
  it("text → text event; answers 200 with an empty body", async () => {
    const s = signed(textMessageXml({ toUser: corpId, fromUser: "zhangsan", content: "a ]]> b & <c>", msgId: "42", createTime: ts, agentId }));
    const r = await adapter().handleRequest(post(s.query, s.body));
    expect(r.response.status).toBe(200);
    expect(await r.response.text()).toBe("");
    expect(r.events).toEqual([
      { kind: "text", text: "a ]]> b & <c>", sender: { channel: "wecom", userId: "zhangsan" }, dedupeKey: "msg:42", receivedAt: NOW },
    ]);
  });

  it("template_card_event → button event with key, cardId and its handle (the response_code)", async () => {
    const s = signed(cardClickXml({ toUser: corpId, fromUser: "lisi", eventKey: "approve:9", taskId: "app_9", responseCode: "RC1", createTime: ts, agentId }));
    const [ev] = (await adapter().handleRequest(post(s.query, s.body))).events;
    expect(ev).toMatchObject({ kind: "button", key: "approve:9", cardId: "app_9", handle: "RC1", sender: { userId: "lisi" } });
    expect(ev!.dedupeKey).toBe(`evt:lisi|${ts}|template_card_event|approve:9|app_9|${agentId}`);
  });

  it("enter_agent and menu click → enter events", async () => {
    const a = signed(enterAgentXml({ fromUser: "wangwu", createTime: ts, agentId }));
    const [enter] = (await adapter().handleRequest(post(a.query, a.body))).events;
    expect(enter).toMatchObject({ kind: "enter", sender: { userId: "wangwu" } });
    expect(enter).not.toHaveProperty("menuKey");
    const b = signed(enterAgentXml({ fromUser: "wangwu", createTime: ts, agentId, event: "click", eventKey: "menu_apply" }));
    const [click] = (await adapter().handleRequest(post(b.query, b.body))).events;
    expect(click).toMatchObject({ kind: "enter", menuKey: "menu_apply" });
    expect(click!.dedupeKey).not.toBe(enter!.dedupeKey);
  });

  it("two clicks in the same second on different buttons keep distinct dedupeKeys", async () => {
    const keys = await Promise.all(
      ["approve:1", "reject:1"].map(async (eventKey) => {
        const s = signed(cardClickXml({ fromUser: "lisi", eventKey, taskId: "t1", responseCode: eventKey, createTime: ts, agentId }));
        return (await adapter().handleRequest(post(s.query, s.body))).events[0]!.dedupeKey;
      }),
    );
    expect(new Set(keys).size).toBe(2);
  });

  it("an image becomes a media event (its MediaId kept, deduplicated by MsgId)", async () => {
    const inner = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[u]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>1</MsgId><AgentID>${agentId}</AgentID></xml>`;
    const s = signed(inner);
    const r = await adapter().handleRequest(post(s.query, s.body));
    expect(r.response.status).toBe(200);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ kind: "media", mediaId: "m", dedupeKey: "msg:1", sender: { channel: "wecom", userId: "u" } });
  });

  it("voice, subscribe… → no events, still 200", async () => {
    for (const inner of [
      `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[u]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>2</MsgId><AgentID>${agentId}</AgentID></xml>`,
      `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[u]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><AgentID>${agentId}</AgentID></xml>`,
    ]) {
      const s = signed(inner);
      const r = await adapter().handleRequest(post(s.query, s.body));
      expect(r.response.status).toBe(200);
      expect(r.events).toEqual([]);
    }
  });

  it("URL verification with our own signer", async () => {
    const q = signUrlVerification({ token, encodingAesKey, corpId, echo: "8675309", timestamp: ts });
    const r = await adapter().handleRequest(new Request(`https://bot.test/wecom/callback?${q}`));
    expect(await r.response.text()).toBe("8675309");
  });
});

describe("wecom inbound: bad input is refused with the right DomainError", () => {
  it("bad signature", async () => {
    const s = signed(helloXml);
    const flipped = s.msgSignature.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    await refused(adapter().handleRequest(post(s.query.replace(s.msgSignature, flipped), s.body)), UnauthenticatedError);
    await refused(adapter().handleRequest(post(s.query.replace(s.msgSignature, "zz"), s.body)), UnauthenticatedError);
  });

  it("tampered ciphertext, signed or not", async () => {
    const s = signed(helloXml);
    const raw = Buffer.from(s.encrypt, "base64");
    raw[raw.length - 20]! ^= 0x01;
    const tampered = raw.toString("base64");
    await refused(adapter().handleRequest(post(s.query, s.body.replace(s.encrypt, tampered))), UnauthenticatedError);
    // Someone holding the token (but not the AES key) re-signs it: decryption must still fail.
    const sig = getSignature(token, s.timestamp, s.nonce, tampered);
    await refused(adapter().handleRequest(post(s.query.replace(s.msgSignature, sig), s.body.replace(s.encrypt, tampered))), UnauthenticatedError);
  });

  it("wrong receiveid (encrypted for another corp)", async () => {
    const s = signed(helloXml, { corp: "wwSomeOtherCorp01" });
    await refused(adapter().handleRequest(post(s.query, s.body)), UnauthenticatedError);
    const q = signUrlVerification({ token, encodingAesKey, corpId: "wwSomeOtherCorp01", timestamp: ts });
    await refused(adapter().handleRequest(new Request(`https://bot.test/cb?${q}`)), UnauthenticatedError);
  });

  it("stale or future timestamps (maxAge 300)", async () => {
    for (const t of [ts - 301, ts + 301]) {
      const s = signed(helloXml, { timestamp: t });
      await refused(adapter().handleRequest(post(s.query, s.body)), UnauthenticatedError);
    }
    const fresh = signed(helloXml, { timestamp: ts - 299 });
    expect((await adapter().handleRequest(post(fresh.query, fresh.body))).events).toHaveLength(1);
    const bad = signed(helloXml, { timestamp: "12ab" as unknown as number });
    await refused(adapter().handleRequest(post(bad.query, bad.body)), ValidationError);
  });

  it("malformed XML, outside or inside the envelope", async () => {
    const s = signed(helloXml);
    for (const body of ["<xml><Encrypt>abc</Wrong></xml>", "not xml at all", "<root><Encrypt>x</Encrypt></root>"]) {
      await refused(adapter().handleRequest(post(s.query, body)), ValidationError);
    }
    const inner = signed("<xml><MsgType>text</MsgType><Content>unclosed</xml>");
    await refused(adapter().handleRequest(post(inner.query, inner.body)), ValidationError);
    const dup = `<xml><Encrypt><![CDATA[${s.encrypt}]]></Encrypt><Encrypt><![CDATA[x]]></Encrypt></xml>`;
    await refused(adapter().handleRequest(post(s.query, dup)), ValidationError);
  });

  it("DOCTYPE / ENTITY, outside or inside the envelope", async () => {
    const s = signed(helloXml);
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>`;
    await refused(adapter().handleRequest(post(s.query, xxe)), ValidationError);
    const lol = `<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>`;
    const inner = signed(lol);
    await refused(adapter().handleRequest(post(inner.query, inner.body)), ValidationError);
  });

  it("bad base64 and wrong ciphertext length, even when correctly signed", async () => {
    for (const enc of ["not*base64!", "QUJD", Buffer.alloc(40, 7).toString("base64")]) {
      const sig = getSignature(token, String(ts), "1", enc);
      const body = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`;
      await refused(adapter().handleRequest(post(`msg_signature=${sig}&timestamp=${ts}&nonce=1`, body)), ValidationError);
    }
    // Block-aligned but not made with our key: decrypts to garbage.
    const junk = wecomEncrypt("zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUT", helloXml, corpId);
    const sig = getSignature(token, String(ts), "1", junk);
    await refused(adapter().handleRequest(post(`msg_signature=${sig}&timestamp=${ts}&nonce=1`, `<xml><Encrypt>${junk}</Encrypt></xml>`)), UnauthenticatedError);
  });

  it("bad PKCS#7 padding is refused even when the receiveid is right", async () => {
    // @wecom/crypto only looks at the last pad byte; we insist on canonical padding.
    const key = Buffer.from(`${encodingAesKey}=`, "base64");
    const msg = Buffer.from(helloXml);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length);
    const body = Buffer.concat([Buffer.alloc(16, 9), len, msg, Buffer.from(corpId)]);
    const k = 32 - (body.length % 32);
    const pad = Buffer.alloc(k, 0);
    pad[k - 1] = k; // right last byte, wrong others
    const c = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
    const enc = Buffer.concat([c.update(Buffer.concat([body, pad])), c.final()]).toString("base64");
    const sig = getSignature(token, String(ts), "1", enc);
    await refused(adapter().handleRequest(post(`msg_signature=${sig}&timestamp=${ts}&nonce=1`, `<xml><Encrypt>${enc}</Encrypt></xml>`)), UnauthenticatedError);
  });

  it("oversize body: by Content-Length, and streamed without one", async () => {
    const s = signed(helloXml);
    const big = "x".repeat(2048);
    await refused(adapter({ maxBodyBytes: 1024 }).handleRequest(post(s.query, big, { headers: { "content-length": "2048" } })), PayloadTooLargeError);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(512).fill(65)); // endless: only the cap stops it
      },
    });
    const req = post(s.query, stream, { duplex: "half" } as RequestInit);
    expect(req.headers.get("content-length")).toBeNull();
    await refused(adapter({ maxBodyBytes: 1024 }).handleRequest(req), PayloadTooLargeError);
    expect(pulled).toBeLessThan(10);
    // Just under the cap is fine.
    expect((await adapter({ maxBodyBytes: s.body.length }).handleRequest(post(s.query, s.body))).events).toHaveLength(1);
  });

  it("missing query parameters, missing Encrypt, empty body, other methods", async () => {
    const s = signed(helloXml);
    const params = new URLSearchParams(s.query);
    for (const drop of ["msg_signature", "timestamp", "nonce"]) {
      const p = new URLSearchParams(params);
      p.delete(drop);
      await refused(adapter().handleRequest(post(p.toString(), s.body)), ValidationError);
    }
    await refused(adapter().handleRequest(new Request(`https://bot.test/cb?${s.query}`)), ValidationError); // GET without echostr
    await refused(adapter().handleRequest(post(s.query, `<xml><ToUserName>x</ToUserName></xml>`)), ValidationError);
    await refused(adapter().handleRequest(new Request(`https://bot.test/cb?${s.query}`, { method: "POST" })), ValidationError);
    await refused(adapter().handleRequest(new Request(`https://bot.test/cb?${s.query}`, { method: "PUT", body: s.body })), ValidationError);
  });
});
