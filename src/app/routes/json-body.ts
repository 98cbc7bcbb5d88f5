import type { z } from "zod";
import { containsNul, readCappedBody } from "../../channels/read-capped-body.ts";
import { ValidationError } from "../../domain/errors.ts";

/** An admin API body: capped, JSON, without NUL (PostgreSQL text cannot hold it), then the schema. */
export async function jsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = 64 * 1024): Promise<z.infer<T>> {
  const text = await readCappedBody(req, maxBytes, "admin");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError("body must be JSON");
  }
  if (containsNul(json)) throw new ValidationError("body contains a NUL character");
  const r = schema.safeParse(json);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), { issues: r.error.issues });
  return r.data;
}
