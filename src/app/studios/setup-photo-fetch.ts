import type { ChannelAdapter } from "../../channels/channel.ts";
import { ChannelApiError } from "../../channels/channel.ts";
import type { ChannelName } from "../../domain/chat.ts";
import { isSetupItem } from "../../domain/studio/studio-setup.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { MediaStore } from "../../storage/media-key.ts";
import { attachSetupPhotoKey } from "./setup-checklist.ts";

// Set-up photos arrive as a channel's media id (WeCom: valid 3 days); this job downloads each
// into the media store and records its key. Network I/O happens outside any transaction; only
// attaching the key is one short write. A failed fetch is retried on the next run.

export const MEDIA_FETCH_JOB = "media-fetch";
/** WeCom keeps temporary media 3 days; older ids are not worth asking for. */
export const MEDIA_ID_VALID_MS = 3 * 24 * 3600_000;
/** media/get: invalid or expired media_id. */
const INVALID_MEDIA_ID = 40007;
const MAX_PER_RUN = 20;

export interface MediaFetchDeps {
  prisma: PrismaClient;
  adapters: Partial<Record<ChannelName, ChannelAdapter>>;
  store: MediaStore;
  logger: Logger;
  /** Media ids the platform refused as invalid/expired: not asked for again by this process. */
  refused?: Set<string>;
}

const EXT: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/bmp": "bmp" };

/** `studio-setup/<studioId>/<item>-<sha256(mediaId) prefix>.<ext>`: no media id in a path. */
export async function setupPhotoKey(studioId: string, item: string, mediaId: string, contentType: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(mediaId)));
  const hash = [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `studio-setup/${studioId}/${item.toLowerCase()}-${hash}.${EXT[contentType] ?? "bin"}`;
}

export async function fetchPendingMedia(deps: MediaFetchDeps, now: Date): Promise<{ fetched: number; failed: number; refused: number }> {
  const refusedIds = deps.refused ?? new Set<string>();
  const pending = await deps.prisma.studioSetupItem.findMany({
    where: { photoMediaId: { not: null }, photoKey: null, completedAt: { gte: new Date(now.getTime() - MEDIA_ID_VALID_MS) } },
    select: { studioId: true, item: true, photoChannel: true, photoMediaId: true },
    orderBy: { completedAt: "asc" },
    take: MAX_PER_RUN + refusedIds.size,
  });
  const result = { fetched: 0, failed: 0, refused: 0 };
  for (const row of pending) {
    const mediaId = row.photoMediaId!;
    const item = row.item;
    const seen = `${row.photoChannel}:${mediaId}`;
    if (refusedIds.has(seen) || !isSetupItem(item)) continue;
    if (result.fetched + result.failed + result.refused >= MAX_PER_RUN) break;
    const adapter = deps.adapters[row.photoChannel as ChannelName];
    if (!adapter?.fetchMedia) continue; // this channel cannot download files (or is not configured)
    const where = { studioId: row.studioId, item, channel: row.photoChannel };
    try {
      const media = await adapter.fetchMedia(mediaId);
      const key = await setupPhotoKey(row.studioId, item, mediaId, media.contentType);
      await deps.store.put(key, media.bytes, media.contentType);
      // Only for the same media id: a newer photo recorded meanwhile waits for its own fetch.
      const attached = await deps.prisma.$transaction((tx) => attachSetupPhotoKey(tx, { studioId: row.studioId, item, mediaId, key }));
      result.fetched++;
      deps.logger.info({ ...where, key, bytes: media.bytes.byteLength, attached }, "set-up photo fetched");
    } catch (err) {
      if (err instanceof ChannelApiError && (err.code === INVALID_MEDIA_ID || !err.retryable)) {
        // Expired or invalid: asking again cannot help. photoKey stays null.
        refusedIds.add(seen);
        result.refused++;
        deps.logger.warn({ ...where, code: err.code, error: err.message }, "set-up photo cannot be fetched; left without a file");
      } else {
        result.failed++;
        deps.logger.warn({ ...where, error: err instanceof Error ? err.message : String(err) }, "set-up photo fetch failed; retried next run");
      }
    }
  }
  return result;
}
