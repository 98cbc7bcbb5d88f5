// In-process fake of the Telegram Bot API (https://core.telegram.org/bots/api), used as a `fetch`.
// Behaves like Telegram where it matters to us: the token in the path (401 otherwise), JSON or
// multipart bodies, {ok, result} / {ok:false, error_code, description} answers, 4096-character
// texts after entity parsing, 1-64 byte callback_data, HTML parse errors, "message is not
// modified" on an identical edit. Faults can be injected for the next call of a method.
// Also builds webhook requests as Telegram would POST them.

export interface FakeTelegramOptions {
  token: string;
  apiRoot?: string;
  botInfo?: Record<string, unknown>;
  now?: () => Date;
}

export interface FakeMessage {
  chatId: string;
  messageId: number;
  text?: string;
  parseMode?: string;
  replyMarkup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string; url?: string }>> };
  /** sendPhoto: the file's bytes and name as uploaded. */
  photo?: { bytes: Uint8Array; fileName: string; contentType: string };
}

export interface FakeCall {
  method: string;
  payload: Record<string, unknown>;
}

export type FakeFault = { kind: "api"; code: number; description: string; retryAfter?: number } | { kind: "http"; status: number };

const HTML_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "blockquote", "tg-spoiler", "span", "tg-emoji"]);

/** What Telegram does with parse_mode HTML: the text as shown, or why it cannot parse it. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  const re = /<(\/?)([a-z-]+)(\s[^>]*)?>|<|&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);|&/gi;
  let text = "";
  let last = 0;
  for (const m of html.matchAll(re)) {
    text += html.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === "<") return { error: `Bad Request: can't parse entities: unsupported start tag at byte offset ${m.index}` };
    if (m[0] === "&") return { error: `Bad Request: can't parse entities: character entity expected at byte offset ${m.index}` };
    if (m[4]) {
      const e = m[4].toLowerCase();
      text += e === "lt" ? "<" : e === "gt" ? ">" : e === "amp" ? "&" : e === "quot" ? '"' : String.fromCodePoint(Number(e.startsWith("#x") ? `0x${e.slice(2)}` : e.slice(1)));
      continue;
    }
    const tag = m[2]!.toLowerCase();
    if (!HTML_TAGS.has(tag)) return { error: `Bad Request: can't parse entities: unsupported start tag "${tag}"` };
    if (m[1]) {
      if (stack.pop() !== tag) return { error: `Bad Request: can't parse entities: unmatched end tag "${tag}"` };
    } else stack.push(tag);
  }
  text += html.slice(last);
  if (stack.length > 0) return { error: "Bad Request: can't parse entities: unclosed start tag" };
  return { text };
}

/** multipart/form-data fields: strings (JSON-decoded when they are JSON, as grammY encodes them) and files. */
async function parseMultipart(all: Buffer, boundary: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const delim = Buffer.from(`--${boundary}`);
  let at = all.indexOf(delim);
  while (at >= 0) {
    const start = at + delim.length;
    if (all.subarray(start, start + 2).toString() === "--") break;
    const next = all.indexOf(delim, start);
    if (next < 0) throw new Error("fake telegram: unterminated multipart body");
    const part = all.subarray(start + 2, next - 2); // after CRLF, before CRLF--boundary
    const headEnd = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, headEnd).toString("utf8");
    const data = part.subarray(headEnd + 4);
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? "";
    const fileName = /filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    if (fileName !== undefined) {
      out[name] = { file: new Uint8Array(data), fileName, contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? "" };
    } else {
      const v = data.toString("utf8");
      try {
        out[name] = JSON.parse(v);
      } catch {
        out[name] = v;
      }
    }
    at = next;
  }
  return out;
}

export function createFakeTelegram(opts: FakeTelegramOptions) {
  const apiRoot = (opts.apiRoot ?? "https://api.telegram.test").replace(/\/+$/, "");
  const botInfo = opts.botInfo ?? defaultBotInfo(opts.token);
  const calls: FakeCall[] = [];
  const messages: FakeMessage[] = [];
  const edits: Array<{ chatId: string; messageId: number; replyMarkup?: FakeMessage["replyMarkup"]; text?: string }> = [];
  const answers: Array<{ callbackQueryId: string; text?: string }> = [];
  const faults: Array<{ method?: string; fault: FakeFault; skip: number }> = [];
  const files = new Map<string, { path: string; bytes: Uint8Array }>();
  let nextMessageId = 100;
  let getMeCount = 0;

  const ok = (result: unknown) => Response.json({ ok: true, result });
  const refuse = (code: number, description: string, extra: Record<string, unknown> = {}) =>
    Response.json({ ok: false, error_code: code, description, ...extra }, { status: code });

  async function payloadOf(init: RequestInit | undefined, headers: Headers): Promise<Record<string, unknown>> {
    const body = init?.body;
    if (body === undefined || body === null) return {};
    const type = headers.get("content-type") ?? "";
    if (type.startsWith("application/json")) return JSON.parse(typeof body === "string" ? body : await new Response(body as BodyInit).text()) as Record<string, unknown>;
    if (type.startsWith("multipart/form-data")) {
      // grammY streams multipart as a Node Readable (an async iterable of bytes), with headers
      // like `content-disposition:form-data;name="x";filename=y` that Telegram takes but undici's
      // formData() refuses: parsed here.
      const chunks: Uint8Array[] = [];
      for await (const c of body as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
      const boundary = /boundary=([^;]+)/.exec(type)?.[1];
      if (!boundary) throw new Error("fake telegram: multipart without boundary");
      return parseMultipart(Buffer.concat(chunks), boundary);
    }
    throw new Error(`fake telegram: unexpected content-type ${type}`);
  }

  function takeFault(method: string): FakeFault | undefined {
    const i = faults.findIndex((f) => f.method === undefined || f.method === method);
    if (i < 0) return undefined;
    if (faults[i]!.skip > 0) {
      faults[i]!.skip--;
      return undefined;
    }
    return faults.splice(i, 1)[0]!.fault;
  }

  function checkText(text: unknown, parseMode: unknown): { shown: string } | Response {
    if (typeof text !== "string") return refuse(400, "Bad Request: message text is empty");
    let shown = text;
    if (parseMode === "HTML") {
      const p = parseTelegramHtml(text);
      if ("error" in p) return refuse(400, p.error);
      shown = p.text;
    }
    if (!shown.trim()) return refuse(400, "Bad Request: message text is empty");
    if (shown.length > 4096) return refuse(400, "Bad Request: message is too long");
    return { shown };
  }

  function checkMarkup(markup: unknown): Response | null {
    if (markup === undefined) return null;
    const kb = (markup as FakeMessage["replyMarkup"])?.inline_keyboard;
    if (!Array.isArray(kb)) return refuse(400, "Bad Request: can't parse reply keyboard markup JSON object");
    for (const row of kb) {
      for (const b of row) {
        if (!b.text) return refuse(400, "Bad Request: text buttons are unallowed in the inline keyboard");
        if (b.callback_data !== undefined && (Buffer.byteLength(b.callback_data) < 1 || Buffer.byteLength(b.callback_data) > 64)) {
          return refuse(400, "Bad Request: BUTTON_DATA_INVALID");
        }
      }
    }
    return null;
  }

  async function handle(method: string, p: Record<string, unknown>): Promise<Response> {
    const chatId = p["chat_id"] === undefined ? "" : String(p["chat_id"]);
    switch (method) {
      case "getMe":
        getMeCount++;
        return ok(botInfo);
      case "sendMessage": {
        const t = checkText(p["text"], p["parse_mode"]);
        if (t instanceof Response) return t;
        const bad = checkMarkup(p["reply_markup"]);
        if (bad) return bad;
        const m: FakeMessage = { chatId, messageId: nextMessageId++, text: String(p["text"]), ...(p["parse_mode"] ? { parseMode: String(p["parse_mode"]) } : {}) };
        if (p["reply_markup"]) m.replyMarkup = p["reply_markup"] as FakeMessage["replyMarkup"];
        messages.push(m);
        return ok({ message_id: m.messageId, date: Math.floor((opts.now?.() ?? new Date()).getTime() / 1000), chat: { id: chatId, type: "private" }, text: t.shown });
      }
      case "sendPhoto": {
        const ref = p["photo"];
        const file = typeof ref === "string" && ref.startsWith("attach://") ? p[ref.slice("attach://".length)] : ref;
        if (!file || typeof file !== "object" || !("file" in file)) return refuse(400, "Bad Request: there is no photo in the request");
        const f = file as { file: Uint8Array; fileName: string; contentType: string };
        const m: FakeMessage = { chatId, messageId: nextMessageId++, photo: { bytes: f.file, fileName: f.fileName, contentType: f.contentType } };
        messages.push(m);
        return ok({ message_id: m.messageId, date: 0, chat: { id: chatId, type: "private" }, photo: [{ file_id: `photo-${m.messageId}`, width: 64, height: 32 }] });
      }
      case "editMessageReplyMarkup":
      case "editMessageText": {
        const m = messages.find((x) => x.chatId === chatId && x.messageId === Number(p["message_id"]));
        if (!m) return refuse(400, "Bad Request: message to edit not found");
        const bad = checkMarkup(p["reply_markup"]);
        if (bad) return bad;
        let text = m.text;
        if (method === "editMessageText") {
          const t = checkText(p["text"], p["parse_mode"]);
          if (t instanceof Response) return t;
          text = String(p["text"]);
        }
        const markup = p["reply_markup"] as FakeMessage["replyMarkup"] | undefined;
        if (text === m.text && JSON.stringify(markup) === JSON.stringify(m.replyMarkup)) return refuse(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
        if (text !== undefined) m.text = text;
        if (markup) m.replyMarkup = markup;
        else delete m.replyMarkup;
        edits.push({ chatId, messageId: m.messageId, ...(markup ? { replyMarkup: markup } : {}), ...(method === "editMessageText" ? { text } : {}) });
        return ok({ message_id: m.messageId, chat: { id: chatId, type: "private" }, date: 0, text: m.text });
      }
      case "getFile": {
        const f = files.get(String(p["file_id"]));
        if (!f) return refuse(400, "Bad Request: invalid file_id");
        return ok({ file_id: String(p["file_id"]), file_unique_id: `u-${f.path}`, file_size: f.bytes.length, file_path: f.path });
      }
      case "answerCallbackQuery": {
        const text = p["text"];
        if (typeof text === "string" && text.length > 200) return refuse(400, "Bad Request: MESSAGE_TOO_LONG");
        answers.push({ callbackQueryId: String(p["callback_query_id"]), ...(typeof text === "string" ? { text } : {}) });
        return ok(true);
      }
      default:
        return refuse(404, "Not Found: method not found");
    }
  }

  /** GET <apiRoot>/file/bot<token>/<file_path>: the file's bytes. */
  function download(rest: string): Response {
    const slash = rest.indexOf("/");
    if (rest.slice(0, slash) !== opts.token) return refuse(401, "Unauthorized");
    const path = decodeURIComponent(rest.slice(slash + 1));
    const f = [...files.values()].find((x) => x.path === path);
    if (!f) return new Response("Not Found", { status: 404 });
    return new Response(f.bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/octet-stream" } });
  }

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const prefix = new URL(apiRoot);
    const root = prefix.pathname.replace(/\/$/, "");
    if (url.origin === prefix.origin && url.pathname.startsWith(`${root}/file/bot`)) {
      calls.push({ method: "file", payload: {} });
      return download(url.pathname.slice(`${root}/file/bot`.length));
    }
    if (url.origin !== prefix.origin || !url.pathname.startsWith(`${root}/bot`)) throw new TypeError(`fake telegram: no route to ${url.origin}`);
    const rest = url.pathname.slice(root.length + "/bot".length);
    const slash = rest.lastIndexOf("/");
    const token = decodeURIComponent(rest.slice(0, slash));
    const method = rest.slice(slash + 1);
    const payload = await payloadOf(init, new Headers(init?.headers));
    calls.push({ method, payload });
    if (token !== opts.token) return refuse(401, "Unauthorized");
    const fault = takeFault(method);
    if (fault?.kind === "http") return new Response("<html><body>502 Bad Gateway</body></html>", { status: fault.status, headers: { "content-type": "text/html" } });
    if (fault?.kind === "api") return refuse(fault.code, fault.description, fault.retryAfter !== undefined ? { parameters: { retry_after: fault.retryAfter } } : {});
    return handle(method, payload);
  };

  return {
    fetch,
    apiRoot,
    botInfo,
    calls,
    messages,
    edits,
    answers,
    get getMeCount() {
      return getMeCount;
    },
    /** The next call (of `method`, or of any method; after `skip` good ones) fails this way; nothing is delivered. */
    failNext(fault: FakeFault, method?: string, skip = 0) {
      faults.push({ ...(method ? { method } : {}), fault, skip });
    },
    messagesTo: (chatId: string) => messages.filter((m) => m.chatId === chatId),
    /** A file a user sent: getFile names it, /file/bot<token>/<path> serves it. */
    addFile(fileId: string, bytes: Uint8Array, path = `photos/file_${files.size}.jpg`) {
      files.set(fileId, { path, bytes });
    },
  };
}

export type FakeTelegram = ReturnType<typeof createFakeTelegram>;

export function defaultBotInfo(token: string): Record<string, unknown> {
  return {
    id: Number(token.split(":")[0]),
    is_bot: true,
    first_name: "IP Studio",
    username: "ipstudio_test_bot",
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

/** A webhook POST as Telegram sends it (secret header only when given). */
export function webhookRequest(update: unknown, secret?: string, url = "https://bot.test/webhooks/telegram"): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret !== undefined ? { "x-telegram-bot-api-secret-token": secret } : {}) },
    body: typeof update === "string" ? update : JSON.stringify(update),
  });
}

const user = (chatId: string | number) => ({ id: chatId, is_bot: false, first_name: "测试", language_code: "zh-hans" });
const chat = (chatId: string | number) => ({ id: chatId, type: "private", first_name: "测试" });

/** An update with a private text message (a /command gets its bot_command entity, as clients send). */
export function textUpdate(updateId: number, chatId: string | number, text: string, date = 1_772_416_800) {
  const cmd = /^\/\w+(@\w+)?/.exec(text);
  return {
    update_id: updateId,
    message: {
      message_id: updateId % 1_000_000,
      date,
      chat: chat(chatId),
      from: user(chatId),
      text,
      ...(cmd ? { entities: [{ type: "bot_command", offset: 0, length: cmd[0].length }] } : {}),
    },
  };
}

/** An update with a private photo, in three sizes (the last is the largest). */
export function photoUpdate(updateId: number, chatId: string | number, fileIds: [string, string, string]) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId % 1_000_000,
      date: 1_772_416_800,
      chat: chat(chatId),
      from: user(chatId),
      photo: fileIds.map((file_id, i) => ({ file_id, file_unique_id: `u${i}`, width: 90 * (i + 1), height: 60 * (i + 1), file_size: 1000 * (i + 1) })),
    },
  };
}

/** A tap on an inline button of message `messageId` in a private chat. */
export function callbackUpdate(updateId: number, chatId: string | number, data: string, messageId: number) {
  return {
    update_id: updateId,
    callback_query: {
      id: `cbq-${updateId}`,
      from: user(chatId),
      chat_instance: "ci-1",
      data,
      message: { message_id: messageId, date: 1_772_416_800, chat: chat(chatId), from: { id: 1, is_bot: true, first_name: "IP Studio" }, text: "card" },
    },
  };
}
