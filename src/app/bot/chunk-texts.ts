import type { OutboundMessage } from "../../domain/chat.ts";

const MAX_BYTES = 1800; // WeCom cuts text messages at 2048 bytes

/** Lines joined into as few text messages as fit under the platform's size limit. */
export function chunkTexts(lines: string[], maxBytes = MAX_BYTES): OutboundMessage[] {
  const out: string[] = [];
  let current = "";
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  for (const line of lines) {
    const candidate = current ? `${current}\n${line}` : line;
    if (current && bytes(candidate) > maxBytes) {
      out.push(current);
      current = line;
    } else current = candidate;
  }
  if (current) out.push(current);
  return out.map((text) => ({ kind: "text", text }));
}
