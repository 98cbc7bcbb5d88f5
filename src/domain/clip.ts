// Text cut to a length a channel shows (WeCom: 10-character button labels, 26-character fact
// values…), by characters rather than UTF-16 units, with an ellipsis when cut.
export function clip(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join("")}…`;
}
