// WeCom callback XML (outer envelope and decrypted inner message) → flat string map.
// No DTDs, no entity expansion (XXE / billion laughs): DOCTYPE/ENTITY is refused outright and
// only the five predefined XML entities and numeric references are decoded, by hand.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ValidationError } from "../../domain/errors.ts";

const CDATA = "#cdata";
const TEXT = "#text";

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  cdataPropName: CDATA,
});

/**
 * Parse `<xml>…</xml>` and return its scalar children (CDATA unwrapped, numbers kept as
 * strings). Nested elements (e.g. SelectedItems of template_card_event) are skipped; a
 * repeated scalar child is refused so two parsers can never disagree on which value counts.
 */
export function parseWecomXml(xml: string): Record<string, string> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new ValidationError("wecom: XML with DOCTYPE/ENTITY is refused");
  // Characters XML 1.0 forbids (NUL among them, which PostgreSQL text cannot store).
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) throw new ValidationError("wecom: XML contains characters XML does not allow");
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new ValidationError("wecom: malformed XML", { reason: valid.err.msg });
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw new ValidationError("wecom: malformed XML", { reason: err instanceof Error ? err.message : String(err) });
  }
  if (!isObject(doc)) throw new ValidationError("wecom: malformed XML");
  const roots = Object.keys(doc);
  const root = doc["xml"];
  if (roots.length !== 1 || !isObject(root)) throw new ValidationError("wecom: expected a single <xml> root");

  const out: Record<string, string> = {};
  for (const [name, node] of Object.entries(root)) {
    if (name === TEXT || name === CDATA) continue;
    if (Array.isArray(node)) throw new ValidationError(`wecom: element <${name}> appears more than once`);
    const text = textOf(node);
    if (text !== undefined) out[name] = text;
  }
  return out;
}

/** A leaf's text, or undefined for an element that has child elements. */
function textOf(node: unknown): string | undefined {
  if (typeof node === "string") return decodeEntities(node);
  if (!isObject(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.some((k) => k !== TEXT && k !== CDATA)) return undefined;
  const cdata = node[CDATA];
  const raw = node[TEXT];
  const cdataText = Array.isArray(cdata) ? cdata.map(String).join("") : typeof cdata === "string" ? cdata : "";
  // Whitespace around a CDATA section is layout, not content.
  const plain = typeof raw === "string" && raw.trim() !== "" ? decodeEntities(raw) : "";
  return plain + cdataText;
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
