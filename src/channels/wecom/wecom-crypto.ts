// WeCom callback envelope: msg_signature check, replay window, AES decrypt, receiveid check.
// @wecom/crypto does the AES work but is lenient (no padding check, no receiveid check, throws
// RangeError on short input), so every library call here is fenced and re-validated.
import { timingSafeEqual } from "node:crypto";
import { decrypt, encrypt, getSignature } from "@wecom/crypto";
import { UnauthenticatedError, ValidationError } from "../../domain/errors.ts";

export interface EnvelopeParams {
  msgSignature: string;
  timestamp: string;
  nonce: string;
  /** Base64 ciphertext: the <Encrypt> element, or the echostr of a URL verification. */
  encrypt: string;
}

export interface EnvelopeConfig {
  token: string;
  encodingAesKey: string;
  corpId: string;
  /** Reject timestamps further than this from now (either way); 0 turns the check off. */
  maxAgeSeconds: number;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX40 = /^[0-9a-fA-F]{40}$/;
const DIGITS = /^\d{1,12}$/;

/** sha1 over the sorted [token, timestamp, nonce, encrypt], as WeCom signs callbacks. */
export function computeSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return getSignature(token, timestamp, nonce, encrypted);
}

/** Constant-time comparison so a forger learns nothing from response timing. */
export function verifySignature(token: string, p: EnvelopeParams): boolean {
  if (!HEX40.test(p.msgSignature)) return false;
  const expected = Buffer.from(computeSignature(token, p.timestamp, p.nonce, p.encrypt), "utf8");
  const given = Buffer.from(p.msgSignature.toLowerCase(), "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Replay window: the signed timestamp must be within maxAgeSeconds of now. */
export function checkTimestamp(timestamp: string, maxAgeSeconds: number, now: Date): void {
  if (!DIGITS.test(timestamp)) throw new ValidationError("wecom: timestamp is not a number");
  if (maxAgeSeconds <= 0) return;
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (skew > maxAgeSeconds) {
    throw new UnauthenticatedError("wecom: callback timestamp outside the allowed window", { skewSeconds: skew });
  }
}

/** Throws at startup on a mistyped key rather than on every callback. */
export function assertEncodingAesKey(encodingAesKey: string): void {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey) || Buffer.from(`${encodingAesKey}=`, "base64").length !== 32) {
    throw new TypeError("wecom: EncodingAESKey must be 43 base64 characters");
  }
}

/**
 * Decrypt a ciphertext and insist it was made for `corpId`.
 * Format problems → ValidationError; anything that decrypts wrongly → UnauthenticatedError.
 */
export function decryptForCorp(encodingAesKey: string, encrypted: string, corpId: string): string {
  if (encrypted.length % 4 !== 0 || !BASE64.test(encrypted)) {
    throw new ValidationError("wecom: ciphertext is not valid base64");
  }
  const raw = Buffer.from(encrypted, "base64");
  if (raw.length < 32 || raw.length % 16 !== 0) {
    throw new ValidationError("wecom: ciphertext has an invalid length");
  }
  let out: { message: string; id: string; random: Buffer };
  try {
    out = decrypt(encodingAesKey, encrypted);
  } catch {
    throw new UnauthenticatedError("wecom: ciphertext could not be decrypted");
  }
  // Re-encrypting with the same random must give the same bytes: this checks padding, the
  // length prefix and UTF-8 in one go, which the library itself never does.
  let again: string;
  try {
    again = encrypt(encodingAesKey, out.message, out.id, out.random);
  } catch {
    throw new UnauthenticatedError("wecom: ciphertext could not be decrypted");
  }
  const a = Buffer.from(again, "base64");
  if (a.length !== raw.length || !timingSafeEqual(a, raw)) {
    throw new UnauthenticatedError("wecom: ciphertext is malformed (padding or length)");
  }
  if (!safeEqualString(out.id, corpId)) {
    throw new UnauthenticatedError("wecom: ciphertext was made for another receiveid");
  }
  return out.message;
}

/** The whole inbound check, in order: shape, signature, replay window, decrypt, receiveid. */
export function openEnvelope(cfg: EnvelopeConfig, p: EnvelopeParams, now: Date): string {
  if (!p.msgSignature || !p.timestamp || !p.nonce || !p.encrypt) {
    throw new ValidationError("wecom: missing msg_signature, timestamp, nonce or ciphertext");
  }
  if (!verifySignature(cfg.token, p)) throw new UnauthenticatedError("wecom: bad msg_signature");
  checkTimestamp(p.timestamp, cfg.maxAgeSeconds, now);
  return decryptForCorp(cfg.encodingAesKey, p.encrypt, cfg.corpId);
}

function safeEqualString(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
