/** Reading browser request bodies with a hard size cap and JSON only. */
import "server-only";
import { AppError } from "../shared/errors";
import { mediaType } from "../shared/http";

export const BFF_BODY_MAX_BYTES = 64 * 1024;

/** Past the cap, a browser's upload is read and dropped up to this much more before the 413. */
const DISCARD_PAST_CAP_BYTES = 4 * 1024 * 1024;

/**
 * Reads a request's or a response's body, counting bytes as they stream: a declared
 * Content-Length over the cap and a chunked body that grows past it are refused alike.
 * Past the cap, a response body (from an upstream) is cancelled at once. A browser's request body
 * is read on and dropped (up to DISCARD_PAST_CAP_BYTES more) before the 413 goes out: cancelling
 * it reset the connection under a client still sending, which then saw EPIPE instead of the 413.
 */
export async function readBodyCapped(
  message: Pick<Request, "headers" | "body">,
  { maxBytes = BFF_BODY_MAX_BYTES, tooLarge = () => new AppError("payload_too_large"), cancelPastCap = false } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const limit = cancelPastCap ? maxBytes : maxBytes + DISCARD_PAST_CAP_BYTES;
  if (Number(message.headers.get("content-length") ?? "0") > limit) throw tooLarge();
  if (!message.body) return new Uint8Array(new ArrayBuffer(0));
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early cancels the stream.
  for await (const chunk of message.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > limit) break;
    if (total <= maxBytes) chunks.push(chunk);
  }
  if (total > maxBytes) throw tooLarge();
  const body = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export function isJsonRequest(request: Request): boolean {
  return mediaType(request.headers.get("content-type")) === "application/json";
}

export async function readJson(request: Request, maxBytes = BFF_BODY_MAX_BYTES): Promise<unknown> {
  if (!isJsonRequest(request)) throw new AppError("unsupported_media_type");
  const bytes = await readBodyCapped(request, { maxBytes });
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new AppError("invalid_request", { detail: "The request body is not valid JSON." });
  }
}
