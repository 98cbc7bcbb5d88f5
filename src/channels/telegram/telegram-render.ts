// Our neutral messages as Telegram text: HTML parse mode (https://core.telegram.org/bots/api#html-style),
// where only <, > and & need escaping, and messages of at most 4096 characters
// (https://core.telegram.org/bots/api#sendmessage: "1-4096 characters after entities parsing";
// Telegram counts UTF-16 code units, as JavaScript's length does).
import { clip } from "../../domain/clip.ts";

export const TELEGRAM_TEXT_MAX = 4096;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Plain text in pieces of at most `max` UTF-16 units: cut at the last newline (else space) in
 * the second half of a piece, never inside a surrogate pair.
 */
export function splitText(text: string, max = TELEGRAM_TEXT_MAX): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    const nl = rest.lastIndexOf("\n", max);
    const sp = rest.lastIndexOf(" ", max);
    if (nl >= max / 2) cut = nl + 1;
    else if (sp >= max / 2) cut = sp + 1;
    else if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut--;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** One unit of converted markdown: its HTML, and its text as it reads (what Telegram counts). */
interface Block {
  html: string;
  plain: string;
}

const SAFE_URL = /^(https?:\/\/|tg:\/\/)[^\s"<>]+$/i;
const INLINE = /`([^`\n]+)`|\*\*([^*\n]+)\*\*|__([^_\n]+)__|\*([^*\n]+)\*|~~([^~\n]+)~~|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** Inline markdown (`code`, **bold**, *italic*, ~~strike~~, [text](url)) → HTML; the rest escaped. */
function inline(md: string): Block {
  let html = "";
  let plain = "";
  let last = 0;
  for (const m of md.matchAll(INLINE)) {
    const before = md.slice(last, m.index);
    html += escapeHtml(before);
    plain += before;
    const [all, code, bold, bold2, ital, strike, linkText, url] = m;
    const tagged = (tag: string, t: string) => {
      html += `<${tag}>${escapeHtml(t)}</${tag}>`;
      plain += t;
    };
    if (code !== undefined) tagged("code", code);
    else if (bold !== undefined || bold2 !== undefined) tagged("b", bold ?? bold2!);
    else if (ital !== undefined) tagged("i", ital);
    else if (strike !== undefined) tagged("s", strike);
    else if (linkText !== undefined && url !== undefined && SAFE_URL.test(url)) {
      html += `<a href="${escapeHtml(url)}">${escapeHtml(linkText)}</a>`;
      plain += linkText;
    } else {
      html += escapeHtml(all);
      plain += all;
    }
    last = m.index + all.length;
  }
  const tail = md.slice(last);
  return { html: html + escapeHtml(tail), plain: plain + tail };
}

/** Markdown as blocks: a line each (headings bold, lists with •, quotes), a ``` fence whole. */
function markdownBlocks(md: string): Block[] {
  const blocks: Block[] = [];
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^```/.test(line)) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]!); i++) body.push(lines[i]!);
      const text = body.join("\n");
      blocks.push({ html: `<pre>${escapeHtml(text)}</pre>`, plain: text });
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const item = /^\s*[-*+]\s+(.*)$/.exec(line);
    const quote = /^>\s?(.*)$/.exec(line);
    if (heading) {
      const b = inline(heading[1]!);
      blocks.push({ html: `<b>${b.html}</b>`, plain: b.plain });
    } else if (item) {
      const b = inline(item[1]!);
      blocks.push({ html: `• ${b.html}`, plain: `• ${b.plain}` });
    } else if (quote) {
      const b = inline(quote[1]!);
      blocks.push({ html: `<blockquote>${b.html}</blockquote>`, plain: b.plain });
    } else {
      blocks.push(inline(line));
    }
  }
  return blocks;
}

/**
 * Markdown as HTML messages of at most `max` characters each. A block longer than a whole
 * message goes as escaped plain pieces (its formatting lost, its words kept).
 */
export function markdownToHtmlMessages(md: string, max = TELEGRAM_TEXT_MAX): string[] {
  const out: string[] = [];
  let html = "";
  let visible = 0;
  const flush = () => {
    if (html.trim()) out.push(html);
    html = "";
    visible = 0;
  };
  for (const b of markdownBlocks(md)) {
    if (b.plain.length > max) {
      flush();
      for (const piece of splitText(b.plain, max)) out.push(escapeHtml(piece));
      continue;
    }
    if (html && visible + 1 + b.plain.length > max) flush();
    if (html) {
      html += "\n";
      visible += 1;
    }
    html += b.html;
    visible += b.plain.length;
  }
  flush();
  return out.length > 0 ? out : [escapeHtml(md)];
}

/** Markdown read as plain text (the fallback when Telegram refuses our HTML). */
export function markdownToPlain(md: string): string {
  return markdownBlocks(md)
    .map((b) => b.plain)
    .join("\n");
}

export interface CardFactLine {
  label: string;
  value: string;
}

/** A card's text: bold title, description, one "label：value" line per fact; within one message. */
export function cardHtml(card: { title: string; description?: string; facts?: CardFactLine[] }): string {
  const lines = [`<b>${escapeHtml(clip(card.title, 200))}</b>`];
  if (card.description) lines.push(escapeHtml(clip(card.description, 2000)));
  for (const f of (card.facts ?? []).slice(0, 30)) lines.push(`${escapeHtml(clip(f.label, 40))}：${escapeHtml(clip(f.value, 200))}`);
  return lines.join("\n");
}

/** Buttons side by side: three short labels a row, two when any is long (a phone is narrow). */
export function rowsOf<T extends { text: string }>(buttons: T[], maxPerRow: number): T[][] {
  const perRow = buttons.some((b) => Array.from(b.text).length > 6) ? Math.min(2, maxPerRow) : maxPerRow;
  const rows: T[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}
