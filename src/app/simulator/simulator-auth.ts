import { ForbiddenError, UnauthenticatedError } from "../../domain/errors.ts";
import type { Config } from "../../config/config.ts";
import { sameSecret } from "../same-secret.ts";

export const SIM_COOKIE = "ipstudio_sim";

// The simulator's admin gate (production only).

const enc = new TextEncoder();

/** The cookie holds an HMAC derived from the token, not the token itself. */
export async function sessionValue(adminToken: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", enc.encode(adminToken), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode("ipstudio-simulator-session-v1")));
  return btoa(String.fromCharCode(...mac)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/**
 * Production gate for the simulator and for POST /webhooks/web (passed to the web adapter as
 * `authorize`, so the channel is gated wherever it is mounted). Missing cookie → 401, wrong → 403.
 * Development: open. Returns undefined when there is nothing to check.
 */
export function simulatorAuthorizer(config: Pick<Config, "env" | "adminToken">): ((req: Request) => Promise<void>) | undefined {
  if (config.env !== "production") return undefined;
  return async (req) => {
    const got = cookieOf(req, SIM_COOKIE);
    if (!got) throw new UnauthenticatedError("simulator: admin sign-in required");
    // No token configured (config refuses that when the simulator is on): fail closed.
    if (!config.adminToken || !(await sameSecret(got, await sessionValue(config.adminToken)))) {
      throw new ForbiddenError("simulator: admin session is not valid");
    }
  };
}

