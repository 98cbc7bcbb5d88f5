// 6.3 b: the manager's set-up photo arrives as a WeCom image (a media id, valid 3 days); the
// media-fetch job downloads it into the media store and records its key on the checklist item.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobCatalogue } from "../../src/app/jobs/product-jobs.ts";
import type { MediaStore } from "../../src/storage/media-key.ts";
import { createFsMediaStore } from "../../src/storage/media-store.ts";
import { createR2MediaStore, type R2BucketLike } from "../../src/storage/media-store.r2.ts";
import { imageMessageXml } from "../fakes/wecom-callback-signer.ts";
import { applyAndApprove, linkOfficers } from "../support/journey.ts";
import { createWecomHarness, WECOM, type WecomHarness } from "../support/wecom-harness.ts";

let h: WecomHarness;
let root: string;
let store: MediaStore;
let msg = 9_500_000;
const prisma = () => h.t.db.prisma;
const image = (u: string, mediaId: string) => h.post(imageMessageXml({ toUser: WECOM.corpId, fromUser: u, mediaId, msgId: String(msg++), createTime: Math.floor(h.clock.now().getTime() / 1000), agentId: WECOM.agentId }));
const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);

function mediaJob() {
  const { runtime, config, logs } = h;
  const job = jobCatalogue({ prisma: prisma(), config, logger: logs.logger, services: runtime.services, domain: runtime.domain, mediaStore: store }).find((j) => j.name === "media-fetch");
  if (!job) throw new Error("no media-fetch job");
  return job;
}

/** An R2 bucket as the Workers binding behaves: objects by key, with their content type. */
function memoryBucket(): R2BucketLike {
  const objects = new Map<string, { bytes: Uint8Array; contentType?: string }>();
  return {
    async put(key, value, options) {
      objects.set(key, { bytes: value.slice(), contentType: options?.httpMetadata?.contentType });
    },
    async get(key) {
      const o = objects.get(key);
      return o ? { arrayBuffer: async () => o.bytes.slice().buffer, httpMetadata: { contentType: o.contentType } } : null;
    },
  };
}

// Node keeps the photos on disk; Workers in an R2 bucket.
describe.each(["disk", "R2"])("set-up photos are fetched from WeCom into the %s store [6.3 b]", (kind) => {
  beforeEach(async () => {
    h = await createWecomHarness();
    await linkOfficers(h);
    root = await mkdtemp(join(tmpdir(), "media-"));
    store = kind === "disk" ? createFsMediaStore(root) : createR2MediaStore(memoryBucket());
  });
  afterEach(async () => {
    await h.close();
    await rm(root, { recursive: true, force: true });
  });

  it("[6.3 b] the workplace photo sent as a WeCom image is fetched by the media-fetch job and stored under the item's photoKey; an invalid media id is left without a file", async () => {
    h.fake.registerMedia("MEDIA-WORKPLACE-1", photo, "image/jpeg");
    await applyAndApprove(h, "chenxm");
    const studio = await prisma().studio.findFirstOrThrow();
    for (const a of ["1", "是", "是", "是"]) await h.text("chenxm", a);
    await h.text("chenxm", "中山市小榄镇升平路1号3楼");
    await image("chenxm", "MEDIA-WORKPLACE-1");
    await h.text("chenxm", "电脑 2 台、打印机 1 台");
    await image("chenxm", "MEDIA-SIGN-UNKNOWN"); // WeCom answers 40007 for it
    const before = await prisma().studioSetupItem.findFirstOrThrow({ where: { studioId: studio.id, item: "WORKPLACE" } });
    expect(before).toMatchObject({ photoChannel: "wecom", photoMediaId: "MEDIA-WORKPLACE-1", photoKey: null });

    const job = mediaJob();
    expect(job).toMatchObject({ cron: "* * * * *", env: "JOB_MEDIA_FETCH_CRON" });
    expect(await job.run(h.clock.now())).toEqual({ fetched: 1, failed: 0, refused: 1 });

    const workplace = await prisma().studioSetupItem.findFirstOrThrow({ where: { studioId: studio.id, item: "WORKPLACE" } });
    expect(workplace.photoKey).toMatch(new RegExp(`^studio-setup/${studio.id}/workplace-[0-9a-f]{16}\\.jpg$`));
    const stored = await store.get(workplace.photoKey!);
    expect(stored?.contentType).toBe("image/jpeg");
    expect([...(stored?.bytes ?? [])]).toEqual([...photo]);

    // The invalid id: no file, logged (without the token), not asked for again.
    expect((await prisma().studioSetupItem.findFirstOrThrow({ where: { studioId: studio.id, item: "SIGN" } })).photoKey).toBeNull();
    const logged = h.logs.text();
    expect(logged).toContain("set-up photo cannot be fetched");
    expect(logged).not.toContain("access_token=");
    h.clock.advance(60_000);
    const calls = h.fake.events.filter((e) => e.path === "media/get" && e.type === "call").length;
    expect(await job.run(h.clock.now())).toEqual({ fetched: 0, failed: 0, refused: 0 });
    expect(h.fake.events.filter((e) => e.path === "media/get" && e.type === "call").length).toBe(calls);
  });

  it("[6.3 b] a failed fetch (WeCom 5xx) is retried on the next run; a photo recorded over 3 days ago is not asked for", async () => {
    h.fake.registerMedia("MEDIA-WORKPLACE-2", photo, "image/png");
    await applyAndApprove(h, "chenxm");
    const studio = await prisma().studio.findFirstOrThrow();
    for (const a of ["1", "是", "是", "是"]) await h.text("chenxm", a);
    await h.text("chenxm", "中山市小榄镇升平路1号3楼");
    await image("chenxm", "MEDIA-WORKPLACE-2");
    await h.text("chenxm", "电脑 2 台、打印机 1 台");
    await h.text("chenxm", "门口已挂工作室标牌"); // the sign as a note

    const job = mediaJob();
    h.fake.injectFailure({ kind: "http500", path: "media/get" });
    expect(await job.run(h.clock.now())).toEqual({ fetched: 0, failed: 1, refused: 0 });
    expect((await prisma().studioSetupItem.findFirstOrThrow({ where: { studioId: studio.id, item: "WORKPLACE" } })).photoKey).toBeNull();
    h.clock.advance(60_000);
    expect(await job.run(h.clock.now())).toEqual({ fetched: 1, failed: 0, refused: 0 });
    const key = (await prisma().studioSetupItem.findFirstOrThrow({ where: { studioId: studio.id, item: "WORKPLACE" } })).photoKey!;
    expect(key).toMatch(/\.png$/);
    expect((await store.get(key))?.contentType).toBe("image/png");

    // Another item's photo, recorded more than 3 days ago: WeCom no longer has it, so no call.
    await prisma().studioSetupItem.update({ where: { studioId_item: { studioId: studio.id, item: "WORKPLACE" } }, data: { photoKey: null, completedAt: new Date(h.clock.now().getTime() - 3 * 24 * 3600_000 - 60_000) } });
    h.clock.advance(60_000);
    expect(await job.run(h.clock.now())).toEqual({ fetched: 0, failed: 0, refused: 0 });
  });
});
