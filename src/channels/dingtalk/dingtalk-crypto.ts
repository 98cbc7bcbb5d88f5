// DingTalk's signatures and its callback envelope, on node:crypto alone.
// - Robot messages (HTTP mode): headers `timestamp` (ms) and `sign` =
//   Base64(HmacSHA256(appSecret, timestamp + "\n" + appSecret)), refused when over an hour off
//   (open.dingtalk.com "接收消息" / 机器人 HTTP 回调 安全校验).
// - Encrypted event callbacks: sha1 over the sorted [token, timestamp, nonce, encrypt];
//   AES-256-CBC with key = base64(aesKey + "="), IV = key[0..16], plaintext = 16 random bytes +
//   4-byte big-endian length + message + owner key (corpId / suiteKey / appKey), PKCS#7 padded to
//   32-byte blocks (open-dingtalk/DingTalk-Callback-Crypto, DingCallbackCrypto.java).
// - Card buttons: our own HMAC binds a key to its card and recipient (see signButton).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { UnauthenticatedError, ValidationError } from "../../domain/errors.ts";

/** DingTalk refuses robot callbacks whose timestamp is more than an hour from now. */
export const ROBOT_SIGN_WINDOW_MS = 3600_000;

const DIGITS = /^\d{1,15}$/;
const HEX40 = /^[0-9a-fA-F]{40}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BLOCK = 32;

export function robotSign(appSecret: string, timestamp: string): string {
  return createHmac("sha256", appSecret).update(`${timestamp}\n${appSecret}`, "utf8").digest("base64");
}

/** Checks a robot callback's `timestamp` and `sign` headers (constant time). */
export function verifyRobotSign(appSecret: string, timestamp: string | null, sign: string | null, now: Date): void {
  if (!timestamp || !sign) throw new UnauthenticatedError("dingtalk: missing timestamp or sign header");
  if (!DIGITS.test(timestamp)) throw new ValidationError("dingtalk: timestamp is not a number");
  if (!safeEqual(robotSign(appSecret, timestamp), sign)) throw new UnauthenticatedError("dingtalk: bad sign");
  const skew = Math.abs(now.getTime() - Number(timestamp));
  if (skew > ROBOT_SIGN_WINDOW_MS) {
    throw new UnauthenticatedError("dingtalk: timestamp outside the allowed window", { skewSeconds: Math.round(skew / 1000) });
  }
}

export interface EnvelopeConfig {
  token: string;
  aesKey: string;
  /** The owner key written into every ciphertext: the app key for an internal app's event subscription. */
  ownerKey: string;
  /** Reject timestamps (ms) further than this from now, either way; 0 turns the check off. */
  maxAgeSeconds: number;
}

export interface EnvelopeParams {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

export function envelopeSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash("sha1").update([token, timestamp, nonce, encrypt].sort().join(""), "utf8").digest("hex");
}

/** Throws at startup on a mistyped key rather than on every callback. */
export function assertAesKey(aesKey: string): void {
  if (!/^[A-Za-z0-9+/]{43}$/.test(aesKey)) throw new TypeError("dingtalk: the callback aes key must be 43 base64 characters");
}

function keyOf(aesKey: string): Buffer {
  return Buffer.from(`${aesKey}=`, "base64");
}

/** Encrypts `message` for `ownerKey` (what DingTalk does, and what our "success" answer needs). */
export function encryptMessage(aesKey: string, message: string, ownerKey: string, random: Buffer = randomBytes(16)): string {
  const msg = Buffer.from(message, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([random.subarray(0, 16), len, msg, Buffer.from(ownerKey, "utf8")]);
  const pad = BLOCK - (body.length % BLOCK);
  const key = keyOf(aesKey);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString("base64");
}

/**
 * Decrypts and insists on well-formed padding, length, UTF-8 and owner key, which the official
 * samples do not check. Format problems → ValidationError; a wrong key or owner → UnauthenticatedError.
 */
export function decryptMessage(aesKey: string, encrypted: string, ownerKey: string): string {
  if (encrypted.length % 4 !== 0 || !BASE64.test(encrypted)) throw new ValidationError("dingtalk: ciphertext is not valid base64");
  const raw = Buffer.from(encrypted, "base64");
  if (raw.length < BLOCK || raw.length % 16 !== 0) throw new ValidationError("dingtalk: ciphertext has an invalid length");
  const key = keyOf(aesKey);
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(raw), decipher.final()]);
  const pad = plain[plain.length - 1]!;
  const bad = () => new UnauthenticatedError("dingtalk: ciphertext could not be decrypted");
  if (pad < 1 || pad > BLOCK || pad > plain.length - 20 || plain.subarray(plain.length - pad).some((b) => b !== pad)) throw bad();
  const body = plain.subarray(0, plain.length - pad);
  const len = body.readUInt32BE(16);
  if (20 + len > body.length) throw bad();
  let message: string;
  let owner: string;
  try {
    const utf8 = new TextDecoder("utf-8", { fatal: true });
    message = utf8.decode(body.subarray(20, 20 + len));
    owner = utf8.decode(body.subarray(20 + len));
  } catch {
    throw bad();
  }
  if (!safeEqual(owner, ownerKey)) throw new UnauthenticatedError("dingtalk: ciphertext was made for another owner key");
  return message;
}

/** The whole inbound check, in order: shape, signature, replay window (ms timestamps), decrypt. */
export function openEnvelope(cfg: EnvelopeConfig, p: EnvelopeParams, now: Date): string {
  if (!p.signature || !p.timestamp || !p.nonce || !p.encrypt) throw new ValidationError("dingtalk: missing signature, timestamp, nonce or encrypt");
  if (!HEX40.test(p.signature) || !safeEqual(envelopeSignature(cfg.token, p.timestamp, p.nonce, p.encrypt), p.signature.toLowerCase())) {
    throw new UnauthenticatedError("dingtalk: bad callback signature");
  }
  if (!DIGITS.test(p.timestamp)) throw new ValidationError("dingtalk: timestamp is not a number");
  if (cfg.maxAgeSeconds > 0) {
    const skew = Math.abs(now.getTime() - Number(p.timestamp));
    if (skew > cfg.maxAgeSeconds * 1000) throw new UnauthenticatedError("dingtalk: callback timestamp outside the allowed window", { skewSeconds: Math.round(skew / 1000) });
  }
  return decryptMessage(cfg.aesKey, p.encrypt, cfg.ownerKey);
}

/** The JSON answer DingTalk expects: `plaintext` ("success") encrypted and signed. */
export function sealEnvelope(cfg: Pick<EnvelopeConfig, "token" | "aesKey" | "ownerKey">, plaintext: string, now: Date, nonce = randomNonce()): { msg_signature: string; timeStamp: string; nonce: string; encrypt: string } {
  const timeStamp = String(now.getTime());
  const encrypt = encryptMessage(cfg.aesKey, plaintext, cfg.ownerKey);
  return { msg_signature: envelopeSignature(cfg.token, timeStamp, nonce, encrypt), timeStamp, nonce, encrypt };
}

function randomNonce(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join("");
}

/**
 * The proof a card button carries back: HMAC(secret, outTrackId, recipient, key), base64url, 22
 * characters (128 bits). A card callback's key counts only with it, so nobody can click a key we
 * did not send to that very user on that very card.
 */
export function signButton(secret: string, outTrackId: string, userId: string, key: string): string {
  return createHmac("sha256", secret).update(`dingtalk-button\0${outTrackId}\0${userId}\0${key}`, "utf8").digest("base64url").slice(0, 22);
}

export function verifyButton(secret: string, outTrackId: string, userId: string, key: string, sig: string): boolean {
  return safeEqual(signButton(secret, outTrackId, userId, key), sig);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
