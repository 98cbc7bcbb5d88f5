// The inbound benchmark's floor (issue 10): the least any WeCom bot must do for a callback, as a bare
// Hono route on @hono/node-server in a process of its own. It mirrors the product's adapter
// (src/channels/wecom/) for these steps and nothing more: read the body, parse the outer XML with
// fast-xml-parser for <Encrypt>, verify msg_signature with @wecom/crypto's getSignature (compared in
// constant time), decrypt with @wecom/crypto's decrypt, check the receiveid, answer 200 "success".
// Not done (the product does them; they are its own cost): XML validation and DOCTYPE/character
// checks, the replay window, the re-encrypt padding check, parsing the inner message, any storage.
// Env: FLOOR_TOKEN, FLOOR_AES_KEY, FLOOR_CORP_ID. Prints "READY <port>" on 127.0.0.1.
import { timingSafeEqual } from "node:crypto";
import { serve } from "@hono/node-server";
import { decrypt, getSignature } from "@wecom/crypto";
import { XMLParser } from "fast-xml-parser";
import { Hono } from "hono";

const token = process.env.FLOOR_TOKEN ?? "";
const aesKey = process.env.FLOOR_AES_KEY ?? "";
const corpId = process.env.FLOOR_CORP_ID ?? "";
// The product's parser options (wecom-xml.ts): no entities, values as strings, CDATA kept apart.
const parser = new XMLParser({ processEntities: false, htmlEntities: false, parseTagValue: false, parseAttributeValue: false, ignoreAttributes: true, ignoreDeclaration: true, ignorePiTags: true, trimValues: false, cdataPropName: "#cdata" });

const same = (a: string, b: string) => {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
};

const app = new Hono();
app.post("/webhooks/wecom", async (c) => {
  const sig = c.req.query("msg_signature") ?? "";
  const timestamp = c.req.query("timestamp") ?? "";
  const nonce = c.req.query("nonce") ?? "";
  const doc = parser.parse(await c.req.text()) as { xml?: { Encrypt?: { "#cdata"?: string } | string } };
  const e = doc.xml?.Encrypt;
  const encrypted = typeof e === "string" ? e : (e?.["#cdata"] ?? "");
  if (!encrypted || !same(getSignature(token, timestamp, nonce, encrypted), sig.toLowerCase())) return c.text("bad signature", 401);
  let id: string;
  try {
    id = decrypt(aesKey, encrypted).id;
  } catch {
    return c.text("bad ciphertext", 401);
  }
  if (!same(id, corpId)) return c.text("wrong receiveid", 401);
  return c.text("success");
});

const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => process.stdout.write(`READY ${info.port}\n`));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
