// Hostile inputs on /webhooks/:channel with every channel on (WeCom, DingTalk with and without its
// encrypted event callbacks, Telegram, the web simulator), through the app: wrong methods and
// channel names, missing/wrong signatures and secrets, stale and future timestamps, empty,
// non-JSON, non-UTF-8, deeply nested and oversized bodies, wrong JSON types at every level,
// forged button data, replays, and a seeded loop of random mutations of valid requests.
// Properties (checked by world.check on every request): never a 5xx; a refused request stores
// nothing; no handler crash; nothing stored that PostgreSQL would refuse.
//
// Where the platform expects a 200 for what we ignore, the answer is 200 with no event:
// - Telegram, right secret: updates of kinds we do not handle (edited messages, channel posts,
//   chat member changes…), group chats, and taps whose callback_data is not ours for that chat
//   (forged, stale, replayed into another chat, "done"): those are answered with a toast.
// - DingTalk: robot messages other than text (pictures, files…), and encrypted event callbacks
//   (answered with the encrypted "success", else DingTalk retries).
// - Any channel: a replay of a stored event (same dedupe key) is a 200 that stores nothing new.
// Refusals: 401 for a missing/wrong signature, secret or button sig and a timestamp out of its
// window; 400 for a wrong method on a channel, a bad shape, NUL or bad UTF-8; 404 for a name that is
// no channel (constructor, __proto__…) or a method the route does not take; 413 past the body cap.
// Found here: nested JSON overflowed containsNul's recursion (500 on dingtalk and web); Telegram
// chat and file ids with NUL reached the database (500 on PostgreSQL).
// FUZZ_RUNS and FUZZ_SEED change the property loop's size and seed for a longer hunt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signButton } from "../../src/channels/dingtalk/dingtalk-crypto.ts";
import { buttonData, cardRef } from "../../src/channels/telegram/telegram-buttons.ts";
import { robotSignature } from "../fakes/dingtalk-signer.ts";
import { createFuzzWorld, DINGTALK, SIGNING_SECRET, TELEGRAM, textBody, type Body, type FuzzWorld, type Outcome, type Req, type WorldMode } from "../support/fuzz-channel-world.ts";
import { mutateRequest, mulberry32, pathsOf, setAt, HOSTILE_VALUES, deepJson } from "../support/fuzz-mutations.ts";

const MODES: WorldMode[] = [
  { name: "production, DingTalk with event callbacks and cards", nodeEnv: "production", dingtalkCallback: true },
  { name: "development, DingTalk robot only", nodeEnv: "development", dingtalkCallback: false },
];
const ROUTES = ["dingtalk", "telegram", "wecom", "web"];
const NOT_CHANNELS = ["nosuch", "constructor", "__proto__", "toString", "hasOwnProperty", "prototype", "%E9%92%89%E9%92%89", "dingtalk%2F..", "DINGTALK", "telegram.", "web%20"];
const PROPERTY_RUNS = Number(process.env.FUZZ_RUNS) || 300;
const SEED = Number(process.env.FUZZ_SEED) || 15_2026;

const refused = (o: Outcome, label: string) => {
  expect(o.status, `${label}: ${o.text.slice(0, 160)}`).toBeGreaterThanOrEqual(400);
  expect(o.status, label).toBeLessThan(500);
  expect(o.stored, label).toBe(0);
};
const ignored = (o: Outcome, label: string) => {
  expect(o.status, `${label}: ${o.text.slice(0, 160)}`).toBe(200);
  expect(o.stored, label).toBe(0);
};
const taken = (o: Outcome, label: string) => {
  expect(o.status, `${label}: ${o.text.slice(0, 160)}`).toBe(200);
  expect(o.stored, label).toBe(1);
};
const withBody = (r: Req, body: Body, headers: Record<string, string> = {}): Req => ({ ...r, headers: { ...r.headers, ...headers }, body });
const big = (n: number, fill = 0x7b): Body => ({ kind: "bytes", bytes: new Uint8Array(n).fill(fill) });
const stream = (chunks: number, chunkSize: number): Body => ({ kind: "stream", chunks, chunkSize, fill: 0x5b });

for (const mode of MODES) {
  describe(`hostile channel webhooks (${mode.name})`, () => {
    let w: FuzzWorld;
    beforeAll(async () => {
      w = await createFuzzWorld(mode);
    }, 60_000);
    afterAll(async () => {
      await w?.close();
    });

    it("wrong methods, and names that are no channel (own keys only), are 4xx", async () => {
      for (const ch of ROUTES) {
        for (const method of ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
          refused(await w.check({ method, path: `/webhooks/${ch}`, headers: {} }), `${method} ${ch}`);
        }
        refused(await w.check({ method: "POST", path: `/webhooks/${ch}`, headers: {} }), `POST ${ch} without a body`);
      }
      for (const name of NOT_CHANNELS) {
        for (const method of ["GET", "POST"]) {
          const o = await w.check({ method, path: `/webhooks/${name}`, headers: { "content-type": "application/json" }, body: textBody("{}") });
          refused(o, `${method} /webhooks/${name}`);
        }
      }
      refused(await w.check({ method: "POST", path: "/webhooks/", headers: {}, body: textBody("{}") }), "no name");
      refused(await w.check({ method: "POST", path: "/webhooks/telegram%00", headers: {}, body: textBody("{}") }), "NUL in the name");
      refused(await w.check({ method: "POST", path: "/webhooks/telegram/extra", headers: {}, body: textBody("{}") }), "extra segment");
    });

    describe("telegram", () => {
      it("a missing, wrong or near-miss secret token is 401 before the body is read (even a huge one)", async () => {
        const update = w.telegram.text(5001, "你好");
        for (const secret of [null, "", "wrong", `${TELEGRAM.secret}x`, TELEGRAM.secret.slice(0, -1), TELEGRAM.secret.toUpperCase(), `${TELEGRAM.secret}\u00e9`, "x".repeat(300)]) {
          const o = await w.check(w.telegram.post(update, secret));
          expect(o.status, String(secret)).toBe(401);
          expect(o.stored).toBe(0);
        }
        refused(await w.check(withBody(w.telegram.post(update, "wrong"), big(10 * 1024 * 1024))), "wrong secret, 10 MB");
        refused(await w.check(withBody(w.telegram.post(update, "wrong"), stream(400, 65_536))), "wrong secret, chunked 26 MB");
      });

      it("empty, non-JSON, non-UTF-8, non-object, deeply nested and oversized bodies are 4xx", async () => {
        const post = (b: Body, h: Record<string, string> = {}) => withBody(w.telegram.post("{}"), b, h);
        for (const text of ["", " ", "{", "{not json", "[1,2,3]", "null", "42", '"str"', "true", "{}", '{"update_id":null}', '{"update_id":"7"}', '{"update_id":-1}', '{"update_id":1.5}', '{"update_id":1e400}', deepJson(20_000, "[", "]"), `{"update_id":1,"message":${deepJson(20_000, '{"a":', "}")}}`]) {
          refused(await w.check(post(textBody(text))), `body ${text.slice(0, 30)}`);
        }
        refused(await w.check(post({ kind: "bytes", bytes: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) })), "invalid UTF-8");
        refused(await w.check(post({ kind: "bytes", bytes: new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]) })), "BOM + {}");
        const over = 256 * 1024 + 1;
        refused(await w.check(post(big(over))), "over the cap, no content-length");
        refused(await w.check(post(big(over), { "content-length": String(over) })), "over the cap, honest content-length");
        refused(await w.check(post(big(over), { "content-length": "10" })), "over the cap, lying content-length");
        refused(await w.check(post(textBody("{}"), { "content-length": "99999999999999999999" })), "absurd content-length");
        refused(await w.check(post(textBody("{}"), { "content-length": "-1" })), "negative content-length");
        refused(await w.check(post(stream(100, 8192))), "chunked, over the cap");
        refused(await w.check(post(stream(0, 1))), "chunked, empty");
      });

      // The same in both configurations: run once.
      it.runIf(mode === MODES[0])("wrong JSON types at every level of a text update and a tap: never a 5xx; the fields we read are checked", async () => {
        const { data, messageId } = await w.telegram.card("5002", ["ap:approve"]);
        const shapes = { text: () => w.telegram.text(5002, "申请工作室"), tap: () => w.telegram.tap(5002, data[0]!, messageId) };
        // Read by our handlers or grammY's filters: another type there is a 400.
        const checked = new Set(["update_id", "message", "message.message_id", "message.chat", "message.chat.type", "message.text", "callback_query", "callback_query.id", "callback_query.data", "callback_query.message", "callback_query.message.message_id", "callback_query.message.chat", "callback_query.message.chat.type"]);
        for (const [shape, make] of Object.entries(shapes)) {
          for (const path of pathsOf(make())) {
            for (const v of HOSTILE_VALUES) {
              const update = setAt(make(), path, v);
              const o = await w.check(w.telegram.post(update), `${shape} ${path.join(".")}=${JSON.stringify(v)?.slice(0, 30)}`);
              const original = path.reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], make());
              if (checked.has(path.join(".")) && typeOf(v) !== typeOf(original)) refused(o, `${shape} ${path.join(".")} as ${typeOf(v)}`);
            }
          }
        }
      });

      it("a right secret over hostile content: stored cleanly, ignored, or refused — never a 5xx", async () => {
        const chat = { id: 5003, type: "private" };
        const withMessage = (u: ReturnType<FuzzWorld["telegram"]["text"]>, extra: Record<string, unknown>) => ({ ...u, message: { ...u.message, ...extra } });
        // [update, status, events stored]
        const cases: Array<[unknown, number, number]> = [
          [w.telegram.text(5003, "x".repeat(200_000)), 200, 1],
          [w.telegram.text(5003, "a\u0000b\u0000"), 200, 1], // NUL dropped from the text
          [w.telegram.text(5003, "\ud800\udfff\u202e 申请 \u0007"), 200, 1],
          [w.telegram.text(5003, "/start"), 200, 1],
          [w.telegram.text(5003, `/start ${"a".repeat(65)}`), 200, 1],
          [w.telegram.text(5003, "/start a\u0000b"), 200, 1],
          [withMessage(w.telegram.text(5003, "/start abc"), { entities: [{ type: "bot_command", offset: 900, length: 9000 }] }), 200, 1],
          [withMessage(w.telegram.text(5003, "/start"), { entities: [{ type: "bot_command", offset: 0, length: 6 }, { type: "bot_command", offset: 0, length: 6 }] }), 200, 1],
          [w.telegram.text("a\u0000b", "你好"), 400, 0],
          [w.telegram.text("x\u001fy", "你好"), 400, 0],
          [w.telegram.text("-1001234567890", "你好"), 200, 1],
          [w.telegram.text(9_007_199_254_740_991, "你好"), 200, 1],
          [{ update_id: w.next(), message: { message_id: 1, chat, photo: [] } }, 200, 0],
          [{ update_id: w.next(), message: { message_id: 1, chat, photo: [{ file_id: "a\u0000b" }] } }, 400, 0],
          [{ update_id: w.next(), message: { message_id: 1, chat, document: { file_id: "f".repeat(256), mime_type: "image/\u0000" } } }, 200, 1],
          [{ update_id: w.next(), message: { message_id: 1, chat, document: { file_id: "f".repeat(257) } } }, 400, 0],
          [{ update_id: w.next(), message: { message_id: 1, chat, caption: "/start x", caption_entities: [{ type: "bot_command", offset: 0, length: 6 }] } }, 200, 0],
          [{ update_id: w.next(), message: { message_id: 1, chat, caption_entities: [{ type: "bot_command", offset: 0, length: 6 }] } }, 200, 0],
          [{ update_id: w.next(), message: { message_id: 1, chat, caption: "/start", caption_entities: "x" } }, 200, 0],
          [{ update_id: w.next(), message: { message_id: 1, chat, caption: 5, caption_entities: [{ type: "bot_command", offset: "0", length: null }] } }, 200, 0],
        ];
        for (const [u, status, stored] of cases) {
          const label = JSON.stringify(u).slice(0, 160);
          const o = await w.check(w.telegram.post(u), label);
          expect({ status: o.status, stored: o.stored }, label).toEqual({ status, stored });
        }
        const nul = await w.prisma.inboundEvent.findFirstOrThrow({ where: { channel: "telegram", payloadJson: { contains: "a\\u0000b" } } }).catch(() => null);
        expect(nul, "a NUL kept in a stored text").toBeNull();
      });

      it("updates we do not handle, hostile ones included, are 200 with no event", async () => {
        const bad = { message_id: 1, date: 0, chat: null, text: "/start", entities: [{ type: "bot_command", offset: "x", length: null }] };
        const kinds = ["edited_message", "channel_post", "edited_channel_post", "business_message", "edited_business_message", "my_chat_member", "inline_query", "message_reaction", "poll"];
        const cases: unknown[] = [
          { update_id: w.next() },
          { update_id: w.next(), message: { message_id: 1, date: 0, chat: { id: -100, type: "group" }, text: "/start x", entities: [{ type: "bot_command", offset: 0, length: 6 }] } },
          { update_id: w.next(), message: { message_id: 1, date: 0, chat: { id: -100, type: "supergroup" }, text: "申请工作室" } },
          { update_id: w.next(), message: { message_id: 1, date: 0, chat: { id: 5004, type: "private" }, sticker: { file_id: "s" } } },
          ...kinds.map((k) => ({ update_id: w.next(), [k]: bad })),
          ...kinds.map((k) => ({ update_id: w.next(), [k]: "x" })),
          ...kinds.map((k) => ({ update_id: w.next(), [k]: { ...bad, chat: { id: 5004, type: "private" }, caption_entities: "x", entities: 7 } })),
          { update_id: w.next(), message: { message_id: 1, date: 0, chat: { id: 5004, type: "private" } }, edited_message: bad },
        ];
        for (const u of cases) {
          ignored(await w.check(w.telegram.post(u), JSON.stringify(u).slice(0, 120)), JSON.stringify(u).slice(0, 120));
        }
      });

      it("forged, stale and replayed callback_data: 200, answered with a toast, no event; a real tap once", async () => {
        const chat = "5005";
        const { data, messageId, cardId } = await w.telegram.card(chat, ["ap:approve", "ap:reject"]);
        const ref = cardRef(SIGNING_SECRET, chat, cardId);
        const forged = [
          "done",
          "b.AAAAAAAAAAAAAAAA.0.AAAAAAAAAAAAAAAA",
          data[0]!.replace(/\.0\./, ".1."),
          data[0]!.slice(0, -1) + (data[0]!.endsWith("A") ? "B" : "A"),
          buttonData(SIGNING_SECRET, chat, ref, 7),
          buttonData(SIGNING_SECRET, chat, cardRef(SIGNING_SECRET, chat, "no-such-card"), 0),
          buttonData("another-secret-0123456789abcdef", chat, ref, 0),
          `${data[0]}x`,
          "x".repeat(65),
          "b.\u0000",
          "",
          "👍".repeat(40),
        ];
        for (const d of forged) {
          const answered = w.fakes.telegram.answers.length;
          ignored(await w.check(w.telegram.post(w.telegram.tap(chat, d, messageId))), `callback_data ${d}`);
          expect(w.fakes.telegram.answers.length, `callback_data ${d} answered`).toBe(answered + 1);
        }
        // Real data, tapped from another chat, or on a message in a group: not ours there.
        ignored(await w.check(w.telegram.post(w.telegram.tap("5006", data[0]!, messageId))), "replayed into another chat");
        const inGroup = w.telegram.tap(chat, data[0]!, messageId);
        inGroup.callback_query.message.chat.type = "group";
        ignored(await w.check(w.telegram.post(inGroup)), "in a group");
        const noMessage = w.telegram.tap(chat, data[0]!, messageId) as { callback_query: Record<string, unknown> };
        delete noMessage.callback_query["message"];
        ignored(await w.check(w.telegram.post(noMessage)), "without its message");
        refused(await w.check(w.telegram.post({ ...w.telegram.tap(chat, "x", messageId), callback_query: { ...w.telegram.tap(chat, "x", messageId).callback_query, data: 5 } })), "data a number");
        // The real tap: one event, and its redelivery (same update_id) none.
        const tap = w.telegram.tap(chat, data[1]!, messageId);
        taken(await w.check(w.telegram.post(tap)), "real tap");
        ignored(await w.check(w.telegram.post(tap)), "real tap redelivered");
        const row = await w.prisma.inboundEvent.findFirstOrThrow({ where: { channel: "telegram", dedupeKey: `update:${tap.update_id}` } });
        expect(JSON.parse(row.payloadJson)).toMatchObject({ kind: "button", key: "ap:reject", cardId });
      });

      it("a replayed update (same update_id) is one event", async () => {
        const u = w.telegram.text(5007, "菜单");
        taken(await w.check(w.telegram.post(u)), "first");
        for (let i = 0; i < 3; i++) ignored(await w.check(w.telegram.post(u)), "replay");
        ignored(await w.check(w.telegram.post({ ...u, message: { ...u.message, text: "另一段话" } })), "same update_id, other text");
      });
    });

    describe("dingtalk", () => {
      it("robot messages: missing, wrong or replayed signs and stale or future timestamps are 4xx", async () => {
        const body = w.dingtalk.robotBody("dtuser1", "你好");
        const now = w.nowMs();
        const hour = 3600_000;
        const cases: Array<[string, Req]> = [
          ["no sign", w.dingtalk.robot(body, { sign: null })],
          ["empty sign", w.dingtalk.robot(body, { sign: "" })],
          ["wrong sign", w.dingtalk.robot(body, { sign: "x".repeat(44) })],
          ["another secret", w.dingtalk.robot(body, { sign: robotSignature("another-secret", String(now)) })],
          ["another timestamp's sign", w.dingtalk.robot(body, { timestamp: now + 1, sign: robotSignature(DINGTALK.appSecret, String(now)) })],
          ["stale", w.dingtalk.robot(body, { timestamp: now - hour - 1000 })],
          ["future", w.dingtalk.robot(body, { timestamp: now + hour + 1000 })],
          ["seconds, not ms", w.dingtalk.robot(body, { timestamp: Math.floor(now / 1000) })],
          ["zero", w.dingtalk.robot(body, { timestamp: 0 })],
          ["negative", w.dingtalk.robot(body, { timestamp: "-1" })],
          ["exponent", w.dingtalk.robot(body, { timestamp: "17e11" })],
          ["16 digits", w.dingtalk.robot(body, { timestamp: "9".repeat(16) })],
          ["Latin-1 junk", w.dingtalk.robot(body, { timestamp: "\u00bd1700000000000" })],
        ];
        const noTs = w.dingtalk.robot(body);
        delete noTs.headers["timestamp"];
        cases.push(["no timestamp", noTs]);
        for (const [label, r] of cases) refused(await w.check(r), label);
      });

      it("empty, non-JSON, non-UTF-8, non-object, NUL, deeply nested and oversized bodies are 4xx (signed or not)", async () => {
        for (const signed of [true, false]) {
          const post = (b: Body, h: Record<string, string> = {}) => withBody(w.dingtalk.robot("{}", signed ? {} : { sign: null }), b, h);
          for (const text of ["", "{", "[]", "[1]", "null", "0", '"s"', "{}", '{"msgId":null}', JSON.stringify({ ...w.dingtalk.robotBody("dtuser2", "hi"), text: { content: "a\u0000" } }), deepJson(20_000, "[", "]"), `{"msgId":"m","x":${deepJson(15_000, '{"a":', "}")}}`, `{"encrypt":${deepJson(10_000, "[", "]")}}`]) {
            refused(await w.check(post(textBody(text))), `${signed} ${text.slice(0, 30)}`);
          }
          refused(await w.check(post({ kind: "bytes", bytes: new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]) })), "invalid UTF-8");
          const over = 65_537;
          refused(await w.check(post(big(over))), "over the cap");
          refused(await w.check(post(big(over), { "content-length": String(over) })), "honest content-length");
          refused(await w.check(post(big(over), { "content-length": "100" })), "lying content-length");
          refused(await w.check(post(textBody("{}"), { "content-length": "abc" })), "non-numeric content-length");
          refused(await w.check(post(stream(20, 8192))), "chunked over the cap");
        }
      });

      // The same in both configurations: run once.
      it.runIf(mode === MODES[0])("wrong JSON types at every level of a signed robot message: never a 5xx; msgId, senderStaffId and text.content are checked", async () => {
        const checked = new Set(["msgId", "senderStaffId", "text", "text.content"]);
        for (const path of pathsOf(w.dingtalk.robotBody("dtuser3", "hi"))) {
          for (const v of HOSTILE_VALUES) {
            const body = setAt(w.dingtalk.robotBody("dtuser3", "hi"), path, v);
            const o = await w.check(w.dingtalk.robot(body), `${path.join(".")}=${JSON.stringify(v)?.slice(0, 30)}`);
            const original = path.reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], w.dingtalk.robotBody("dtuser3", "hi"));
            if (checked.has(path.join(".")) && typeOf(v) !== typeOf(original)) refused(o, `${path.join(".")} as ${typeOf(v)}`);
          }
        }
      });

      it("messages other than text are 200 with no event; a replayed msgId is one event", async () => {
        const pic = { ...w.dingtalk.robotBody("dtuser4", ""), msgtype: "picture", content: { downloadCode: "x" } };
        ignored(await w.check(w.dingtalk.robot(pic)), "picture");
        ignored(await w.check(w.dingtalk.robot({ ...pic, msgtype: ["text"] })), "msgtype an array");
        const body = w.dingtalk.robotBody("dtuser4", "菜单");
        taken(await w.check(w.dingtalk.robot(body)), "first");
        w.clock.advance(1000);
        ignored(await w.check(w.dingtalk.robot(body)), "same msgId, signed anew");
        ignored(await w.check(w.dingtalk.robot({ ...body, text: { content: "另一段话" } })), "same msgId, other text");
      });

      it("card callbacks: only a key signed for that card and user counts; forged params are 4xx; a replay is one event", async () => {
        const ok = { outTrackId: "fzcard-dt-1", userId: "dtuser5", key: "ap:approve" };
        const cases: Array<[string, unknown]> = [
          ["wrong sig", w.dingtalk.cardBody({ ...ok, sig: "A".repeat(22) })],
          ["sig of another user", w.dingtalk.cardBody({ ...ok, userId: "dtuser6", sig: undefined, params: { key: ok.key, sig: sigOf(ok.outTrackId, ok.userId, ok.key) } })],
          ["sig of another card", w.dingtalk.cardBody({ ...ok, params: { key: ok.key, sig: sigOf("fzcard-dt-2", ok.userId, ok.key) } })],
          ["sig of another key", w.dingtalk.cardBody({ ...ok, params: { key: "ap:reject", sig: sigOf(ok.outTrackId, ok.userId, ok.key) } })],
          ["no sig", w.dingtalk.cardBody({ ...ok, params: { key: ok.key } })],
          ["key a number", w.dingtalk.cardBody({ ...ok, params: { key: 1, sig: "x" } })],
          ["key empty", w.dingtalk.cardBody({ ...ok, params: { key: "", sig: sigOf(ok.outTrackId, ok.userId, "") } })],
          ["sig an array", w.dingtalk.cardBody({ ...ok, params: { key: ok.key, sig: [sigOf(ok.outTrackId, ok.userId, ok.key)] } })],
          ["params an array", w.dingtalk.cardBody({ ...ok, params: [ok.key] })],
          ["params null", w.dingtalk.cardBody({ ...ok, params: null })],
          ["content not JSON", w.dingtalk.cardBody({ ...ok, content: "{" })],
          ["content an object", w.dingtalk.cardBody({ ...ok, content: { cardPrivateData: { params: {} } } })],
          ["content null", w.dingtalk.cardBody({ ...ok, content: null })],
          ["content deeply nested", w.dingtalk.cardBody({ ...ok, content: deepJson(20_000, '{"cardPrivateData":', "}") })],
          ["outTrackId a number", { ...w.dingtalk.cardBody(ok), outTrackId: 5 }],
          ["outTrackId empty", { ...w.dingtalk.cardBody(ok), outTrackId: "" }],
          ["outTrackId too long", w.dingtalk.cardBody({ ...ok, outTrackId: "c".repeat(257) })],
          ["userId null", { ...w.dingtalk.cardBody(ok), userId: null }],
          ["userId of 4-byte characters", w.dingtalk.cardBody({ ...ok, userId: "𠜎".repeat(100) })],
          ["NUL in the key, sig of the key without", w.dingtalk.cardBody({ ...ok, params: { key: "ap:approve\u0000", sig: sigOf(ok.outTrackId, ok.userId, ok.key) } })],
        ];
        for (const [label, body] of cases) refused(await w.check(w.dingtalk.json(body)), label);
        const real = w.dingtalk.json(w.dingtalk.cardBody(ok));
        taken(await w.check(real), "a real tap");
        ignored(await w.check(real), "the same tap again");
        const row = await w.prisma.inboundEvent.findFirstOrThrow({ where: { channel: "dingtalk", userId: "dtuser5" } });
        expect(JSON.parse(row.payloadJson)).toMatchObject({ kind: "button", key: "ap:approve", cardId: "fzcard-dt-1" });
      });

      it(mode.dingtalkCallback ? "encrypted event callbacks: 200 with the encrypted success and no event; bad ones 4xx" : "encrypted event callbacks are 401 when not configured", async () => {
        const plain = JSON.stringify({ EventType: "check_url" });
        const now = w.nowMs();
        if (!mode.dingtalkCallback) {
          refused(await w.check(w.dingtalk.event(plain)), "not configured");
          refused(await w.check(w.dingtalk.json({ encrypt: "x" })), "not configured, junk");
          return;
        }
        const o = await w.check(w.dingtalk.event(plain));
        ignored(o, "check_url");
        expect(Object.keys(JSON.parse(o.text) as object).sort()).toEqual(["encrypt", "msg_signature", "nonce", "timeStamp"]);
        ignored(await w.check(w.dingtalk.event(plain, { nonce: "n2" })), "replayed with another nonce");
        const cases: Array<[string, Req]> = [
          ["stale", w.dingtalk.event(plain, { timestamp: now - 301_000 })],
          ["future", w.dingtalk.event(plain, { timestamp: now + 301_000 })],
          ["seconds", w.dingtalk.event(plain, { timestamp: Math.floor(now / 1000) })],
          ["exponent", w.dingtalk.event(plain, { timestamp: "17e11" })],
          ["another token", w.dingtalk.event(plain, { token: "anotherToken" })],
          ["another owner", w.dingtalk.event(plain, { ownerKey: "dingsomeoneelse" })],
          ["truncated, signed", w.dingtalk.event(plain, { encrypt: (e) => e.slice(0, 40) })],
          ["truncated, unsigned", w.dingtalk.event(plain, { encrypt: (e) => e.slice(0, 44), resign: false })],
          ["not base64", w.dingtalk.event(plain, { encrypt: () => "!!!!" })],
          ["one block short", w.dingtalk.event(plain, { encrypt: (e) => Buffer.from(e, "base64").subarray(16).toString("base64") })],
          ["not JSON inside", w.dingtalk.event("not json")],
          ["NUL inside", w.dingtalk.event('{"EventType":"a\\u0000"}')],
          ["no query", w.dingtalk.json({ encrypt: "abcd" })],
          ["encrypt a number", w.dingtalk.json({ encrypt: 5 }, "?msg_signature=x&timeStamp=1&nonce=n")],
          ["encrypt empty", w.dingtalk.json({ encrypt: "" })],
          ["signature not hex", { ...w.dingtalk.event(plain), path: w.dingtalk.event(plain).path.replace(/msg_signature=[0-9a-f]+/, "msg_signature=%00") }],
        ];
        for (const [label, r] of cases) {
          const out = await w.check(r, label);
          if (label === "NUL inside") ignored(out, label); // decrypted JSON is not stored
          else refused(out, label);
        }
      });
    });

    describe("wecom and web (the rest is in fuzz-routes.test.ts)", () => {
      it("a replayed WeCom message is one event; stale and future timestamps are 4xx", async () => {
        const xml = w.wecom.text("fzwecom1", "菜单");
        taken(await w.check(w.wecom.post(xml)), "first");
        ignored(await w.check(w.wecom.post(xml)), "replay");
        const now = Math.floor(w.nowMs() / 1000);
        refused(await w.check(w.wecom.post(w.wecom.text("fzwecom1", "x"), { timestamp: now - 100_000 })), "stale");
        refused(await w.check(w.wecom.post(w.wecom.text("fzwecom1", "x"), { timestamp: now + 100_000 })), "future");
      });

      it("web: deeply nested JSON, wrong types and a replayed clientMsgId", async () => {
        for (const text of [deepJson(7_000, "[", "]"), `{"userId":${deepJson(5_000, '{"a":', "}")}}`, '{"userId":["fz-web-1"],"clientMsgId":"abcdefgh","text":"x"}', '{"userId":"fz-web-1","clientMsgId":"abcdefgh","text":null}']) {
          refused(await w.check(w.web.post(text)), text.slice(0, 40));
        }
        const msg = { userId: "fz-web-1", clientMsgId: `fzweb${w.next()}abc`, text: "菜单" };
        taken(await w.check(w.web.post(msg)), "first");
        ignored(await w.check(w.web.post(msg)), "replay");
        if (w.mode.nodeEnv === "production") refused(await w.check(w.web.post({ ...msg, clientMsgId: "fzwebnocookie" }, { cookie: false })), "no session");
      });
    });

    it("the same valid request many times at once: one event, every answer a 200", async () => {
      const chat = "5020";
      const { data, messageId } = await w.telegram.card(chat, ["ap:approve"]);
      const requests: Array<[string, Req]> = [
        ["telegram text", w.telegram.post(w.telegram.text(5020, "菜单"))],
        ["telegram tap", w.telegram.post(w.telegram.tap(chat, data[0]!, messageId))],
        ["dingtalk robot", w.dingtalk.robot(w.dingtalk.robotBody("dtuser20", "菜单"))],
        ["dingtalk card", w.dingtalk.json(w.dingtalk.cardBody({ outTrackId: "fzcard-dt-20", userId: "dtuser20", key: "ap:approve" }))],
        ["wecom", w.wecom.post(w.wecom.text("fzwecom20", "菜单"))],
        ["web", w.web.post({ userId: "fz-web-20", clientMsgId: "fzweb20concurrent", text: "菜单" })],
      ];
      for (const [label, r] of requests) {
        await w.settle();
        const before = await w.prisma.inboundEvent.count();
        const answers = await Promise.all(Array.from({ length: 6 }, () => w.runtime.app.request(w.toRequest(r))));
        await w.settle();
        expect(answers.map((a) => a.status), label).toEqual(Array(6).fill(200));
        expect((await w.prisma.inboundEvent.count()) - before, label).toBe(1);
      }
    });

    it(`property: ${PROPERTY_RUNS} random mutations of valid requests (seed ${SEED}) — never a 5xx, nothing stored when refused`, async () => {
      const rnd = mulberry32(SEED + (mode.dingtalkCallback ? 0 : 1));
      const { data, messageId } = await w.telegram.card("5010", ["ap:approve", "ap:return"]);
      const statuses = new Map<string, number>();
      for (let i = 0; i < PROPERTY_RUNS; i++) {
        const { label, req } = mutateRequest(w, rnd, { tgData: data, tgMessageId: messageId });
        const o = await w.check(req, `#${i} ${label}`);
        const k = `${label.split(" ")[0]} ${o.status}`;
        statuses.set(k, (statuses.get(k) ?? 0) + 1);
      }
      if (process.env.FUZZ_STATS) console.log([...statuses].sort().map(([k, v]) => `${k}: ${v}`).join("\n"));
      // The loop reaches past the checks too, not only the refusals.
      expect([...statuses.keys()].some((k) => k.endsWith(" 200"))).toBe(true);
      expect([...statuses.keys()].some((k) => / 4\d\d$/.test(k))).toBe(true);
    }, Math.max(60_000, PROPERTY_RUNS * 150));
  });
}

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

const sigOf = (outTrackId: string, userId: string, key: string) => signButton(SIGNING_SECRET, outTrackId, userId, key);
