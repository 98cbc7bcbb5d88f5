import type { PrismaClient } from "../storage/database.ts";

/**
 * Claims a (job, slot) once across restarts and instances: the first to insert the JobRun row
 * runs it, everyone else skips. Slots are e.g. the minute or the business day.
 */
export async function runOncePerSlot<T>(prisma: PrismaClient, job: string, slot: string, fn: () => Promise<T>, now: Date = new Date()): Promise<T | null> {
  try {
    await prisma.jobRun.create({ data: { job, slot, startedAt: now } });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return null;
    throw err;
  }
  const result = await fn();
  await prisma.jobRun.updateMany({ where: { job, slot }, data: { finishedAt: now, result: JSON.stringify(result ?? null).slice(0, 500) } });
  return result;
}
