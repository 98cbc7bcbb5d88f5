import type { PrismaClient } from "../storage/database.ts";

/**
 * Claims a (job, slot) once across restarts and instances: the first to insert the JobRun row
 * runs it, everyone else skips. Slots are e.g. the minute or the business day.
 */
export async function runOncePerSlot<T>(prisma: PrismaClient, job: string, slot: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    await prisma.jobRun.create({ data: { job, slot } });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return null;
    throw err;
  }
  const result = await fn();
  await prisma.jobRun.update({ where: { job_slot: { job, slot } }, data: { finishedAt: new Date(), result: JSON.stringify(result ?? null).slice(0, 500) } });
  return result;
}
