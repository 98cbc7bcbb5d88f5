// Files users send (a photo for a flow's media step): getFile names the file, then it is
// downloaded from <apiRoot>/file/bot<token>/<file_path> (https://core.telegram.org/bots/api#getfile:
// "the link will be valid for at least 1 hour"; bots download files of up to 20 MB).
import type { Api } from "grammy";
import { readStreamCapped } from "../read-capped-body.ts";
import { ValidationError } from "../../domain/errors.ts";
import { ChannelApiError, ChannelHttpError } from "../channel.ts";
import { call } from "./telegram-errors.ts";

/** Larger files are refused rather than held in memory (as WeCom's media/get). */
export const TELEGRAM_MEDIA_MAX_BYTES = 10 * 1024 * 1024;

const TYPES: Record<string, string> = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif", pdf: "application/pdf" };

export interface TelegramMediaOptions {
  api: Api;
  apiRoot: string;
  botToken: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
}

export function createTelegramMedia(o: TelegramMediaOptions) {
  return async function fetchMedia(fileId: string): Promise<{ bytes: Uint8Array; contentType: string; fileName?: string }> {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(fileId)) throw new ValidationError("telegram: invalid file id");
    const file = await call(() => o.api.getFile(fileId));
    if (!file.file_path) throw new ChannelApiError("telegram", 0, "telegram getFile: no file_path (file too big to download)", false);
    if ((file.file_size ?? 0) > TELEGRAM_MEDIA_MAX_BYTES) throw new ChannelApiError("telegram", 0, `telegram: file larger than ${TELEGRAM_MEDIA_MAX_BYTES} bytes`, false);
    const path = file.file_path.split("/").map(encodeURIComponent).join("/");
    let res: Response;
    try {
      res = await o.fetch(`${o.apiRoot}/file/bot${o.botToken}/${path}`, { signal: AbortSignal.timeout(o.timeoutMs) });
    } catch {
      // The URL holds the token: never in the message.
      throw new ChannelHttpError("telegram", "telegram file download: network error or timeout");
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 500) throw new ChannelHttpError("telegram", `telegram file download: HTTP ${res.status}`, res.status);
      throw new ChannelApiError("telegram", res.status, `telegram file download: HTTP ${res.status}`, false);
    }
    const tooBig = () => new ChannelApiError("telegram", 0, `telegram: file larger than ${TELEGRAM_MEDIA_MAX_BYTES} bytes`, false);
    const bytes = res.body
      ? await readStreamCapped(res.body, TELEGRAM_MEDIA_MAX_BYTES, tooBig).catch((err: unknown) => {
          if (err instanceof ChannelApiError) throw err;
          throw new ChannelHttpError("telegram", "telegram file download: body read failed", res.status);
        })
      : new Uint8Array(0);
    const name = file.file_path.split("/").pop() ?? "";
    const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
    // Telegram's file server answers application/octet-stream: the extension says more.
    const header = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const contentType = (Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined) ?? (header && header !== "application/octet-stream" ? header : "application/octet-stream");
    return { bytes, contentType, ...(name ? { fileName: name } : {}) };
  };
}
