// Builds callbacks exactly as WeCom sends them: AES-256-CBC (key = base64(EncodingAESKey+"="),
// IV = key[0..16]), plaintext = 16 random bytes + 4-byte BE length + msg + receiveid, PKCS#7
// padded to 32-byte blocks (that is what @wecom/crypto's encrypt does), signed with
// sha1(sort([token, timestamp, nonce, encrypt])).
import { randomBytes } from "node:crypto";
import { encrypt, getSignature } from "@wecom/crypto";

export interface SignOptions {
  token: string;
  encodingAesKey: string;
  /** The receiveid written into the ciphertext (WeCom puts the CorpID there). */
  corpId: string;
  timestamp?: string | number;
  nonce?: string;
}

export interface SignedCallback {
  /** For the URL: msg_signature=…&timestamp=…&nonce=… */
  query: string;
  /** The outer XML POST body. */
  body: string;
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

function stamp(o: SignOptions): { timestamp: string; nonce: string } {
  return {
    timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    nonce: o.nonce ?? String(randomBytes(4).readUInt32BE(0)),
  };
}

export function signCallback(o: SignOptions & { innerXml: string; agentId?: number | string }): SignedCallback {
  const { timestamp, nonce } = stamp(o);
  const enc = encrypt(o.encodingAesKey, o.innerXml, o.corpId);
  const msgSignature = getSignature(o.token, timestamp, nonce, enc);
  const query = new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce }).toString();
  const body =
    `<xml><ToUserName>${cdata(o.corpId)}</ToUserName><Encrypt>${cdata(enc)}</Encrypt>` +
    `<AgentID>${cdata(String(o.agentId ?? ""))}</AgentID></xml>`;
  return { query, body, encrypt: enc, msgSignature, timestamp, nonce };
}

/** GET URL-verification query with an encrypted echostr whose plaintext is `echo`. */
export function signUrlVerification(o: SignOptions & { echo?: string }): string {
  const { timestamp, nonce } = stamp(o);
  const echostr = encrypt(o.encodingAesKey, o.echo ?? String(Date.now()), o.corpId);
  const msgSignature = getSignature(o.token, timestamp, nonce, echostr);
  return new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce, echostr }).toString();
}

// ---- inner (decrypted) XML builders, shaped like WeCom's documented callbacks ----

export function textMessageXml(m: {
  toUser: string;
  fromUser: string;
  content: string;
  msgId: string;
  createTime: number | string;
  agentId: number | string;
}): string {
  return (
    `<xml><ToUserName>${cdata(m.toUser)}</ToUserName><FromUserName>${cdata(m.fromUser)}</FromUserName>` +
    `<CreateTime>${m.createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content>${cdata(m.content)}</Content><MsgId>${m.msgId}</MsgId><AgentID>${m.agentId}</AgentID></xml>`
  );
}

export function cardClickXml(m: {
  toUser?: string;
  fromUser: string;
  eventKey: string;
  taskId: string;
  responseCode: string;
  createTime: number | string;
  agentId: number | string;
  cardType?: string;
}): string {
  return (
    `<xml><ToUserName>${cdata(m.toUser ?? "")}</ToUserName><FromUserName>${cdata(m.fromUser)}</FromUserName>` +
    `<CreateTime>${m.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event><![CDATA[template_card_event]]></Event><EventKey>${cdata(m.eventKey)}</EventKey>` +
    `<TaskId>${cdata(m.taskId)}</TaskId><CardType>${cdata(m.cardType ?? "button_interaction")}</CardType>` +
    `<ResponseCode>${cdata(m.responseCode)}</ResponseCode><AgentID>${m.agentId}</AgentID>` +
    `<SelectedItems></SelectedItems></xml>`
  );
}

export function enterAgentXml(m: {
  toUser?: string;
  fromUser: string;
  createTime: number | string;
  agentId: number | string;
  /** "enter_agent" (default) or "click" for a custom menu entry. */
  event?: "enter_agent" | "click";
  eventKey?: string;
}): string {
  return (
    `<xml><ToUserName>${cdata(m.toUser ?? "")}</ToUserName><FromUserName>${cdata(m.fromUser)}</FromUserName>` +
    `<CreateTime>${m.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event>${cdata(m.event ?? "enter_agent")}</Event><EventKey>${cdata(m.eventKey ?? "")}</EventKey>` +
    `<AgentID>${m.agentId}</AgentID></xml>`
  );
}

/** CDATA-wrap, splitting any "]]>" so arbitrary text survives. */
export function cdata(s: string): string {
  return `<![CDATA[${s.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}

/** A photo sent to the app (MsgType image): WeCom gives its MediaId (valid 3 days) and a PicUrl. */
export function imageMessageXml(m: { toUser: string; fromUser: string; mediaId: string; msgId: string; createTime: number | string; agentId: number | string; picUrl?: string }): string {
  return (
    `<xml><ToUserName>${cdata(m.toUser)}</ToUserName><FromUserName>${cdata(m.fromUser)}</FromUserName>` +
    `<CreateTime>${m.createTime}</CreateTime><MsgType><![CDATA[image]]></MsgType>` +
    `<PicUrl>${cdata(m.picUrl ?? "https://example.invalid/photo.jpg")}</PicUrl><MediaId>${cdata(m.mediaId)}</MediaId>` +
    `<MsgId>${m.msgId}</MsgId><AgentID>${m.agentId}</AgentID></xml>`
  );
}
