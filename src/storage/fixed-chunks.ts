// Rows for createMany in chunks of a few fixed sizes (64, then 32, 16, … 1): Prisma compiles a
// query plan per shape, and a createMany of N rows is a new shape for every N — on PostgreSQL the
// compile was ~30% of a large reminder pass. With these sizes, at most 7 shapes per table.
export function fixedChunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (; rows.length - i >= 64; i += 64) out.push(rows.slice(i, i + 64));
  for (let size = 32; size >= 1; size /= 2) if (rows.length - i >= size) out.push(rows.slice(i, (i += size)));
  return out;
}
