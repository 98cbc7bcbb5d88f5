import { createHmac, timingSafeEqual } from "node:crypto";

/** Signed, expiring links (e.g. the printable application for one reader). */
export function createLinkSigner(secret: string, now: () => Date) {
  const mac = (payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");
  return {
    sign(subject: string, personId: string, ttlSeconds = 30 * 86400): string {
      const exp = Math.floor(now().getTime() / 1000) + ttlSeconds;
      const payload = `${subject}.${personId}.${exp}`;
      return `${personId}.${exp}.${mac(payload)}`;
    },
    /** The person the token was issued to, or null when forged or expired (constant-time compare). */
    verify(subject: string, token: string): string | null {
      const [personId, exp, sig] = token.split(".");
      if (!personId || !exp || !sig || !/^\d+$/.test(exp)) return null;
      if (Number(exp) < now().getTime() / 1000) return null;
      const want = Buffer.from(mac(`${subject}.${personId}.${exp}`));
      const got = Buffer.from(sig);
      return want.length === got.length && timingSafeEqual(want, got) ? personId : null;
    },
  };
}

export type LinkSigner = ReturnType<typeof createLinkSigner>;
