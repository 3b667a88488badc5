import { describe, expect, it } from "vitest";
import { AppError } from "./shared/errors";
import { unavailablePageResponse } from "./unavailable-page";

describe("the temporarily-unavailable page", () => {
  it("answers 503 with Retry-After, and its style carries the response's CSP nonce (else the browser drops it)", async () => {
    const response = unavailablePageResponse(new AppError("database_unavailable", { retryAfterSeconds: 5 }), "n0nce");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const html = await response.text();
    expect(html).toContain("<h1>Temporarily unavailable</h1>");
    expect(html).toContain('<style nonce="n0nce">');
    expect(html).not.toMatch(/<style>/);
  });
});
