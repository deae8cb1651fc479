import * as crypto from "node:crypto";

// crypto.hash (Node 20.12 and later) hashes in one call, without a Hash object per text: the
// extract hashes every record and the transform every entity, so the object adds up.
const hashOnce = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

/** The SHA-256 of a text (UTF-8), in hex: what raw records and staged entities are compared by. */
export function sha256Hex(text: string): string {
  return hashOnce ? hashOnce("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");
}
