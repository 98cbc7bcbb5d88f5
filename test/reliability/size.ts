/** Reliability tests run small in `npm test` and big in `npm run stress` (STRESS=1). */
export const STRESS = process.env.STRESS === "1";

/** The small size for the suite, or the big one under `npm run stress`. */
export function size(small: number, big: number): number {
  return STRESS ? big : small;
}
