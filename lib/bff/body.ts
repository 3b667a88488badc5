/** Reading browser request bodies with a hard size cap and JSON only. */
import { AppError } from "../shared/errors";

export const BFF_BODY_MAX_BYTES = 64 * 1024;

export async function readBodyCapped(request: Request, maxBytes = BFF_BODY_MAX_BYTES): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("payload_too_large");
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new AppError("payload_too_large");
    chunks.push(chunk);
  }
  const body = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export function isJsonRequest(request: Request): boolean {
  return request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

export async function readJson(request: Request, maxBytes = BFF_BODY_MAX_BYTES): Promise<unknown> {
  if (!isJsonRequest(request)) throw new AppError("unsupported_media_type");
  const bytes = await readBodyCapped(request, maxBytes);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new AppError("invalid_request", { detail: "The request body is not valid JSON." });
  }
}
