import { describe, expect, it } from "vitest";
import { appAddressFor, isAtAppAddress, wrongAddressPageResponse } from "./wrong-address-page";

const APP = "http://localhost:3000";

describe("the wrong-address page", () => {
  it("knows the app's address by X-Forwarded-Host, else Host, as Next.js checks server actions", () => {
    expect(isAtAppAddress(new Headers({ host: "localhost:3000" }), APP)).toBe(true);
    expect(isAtAppAddress(new Headers({ host: "127.0.0.1:3000" }), APP)).toBe(false);
    expect(isAtAppAddress(new Headers({ host: "localhost:3001" }), APP)).toBe(false);
    expect(isAtAppAddress(new Headers({ host: "internal:8080", "x-forwarded-host": "localhost:3000" }), APP)).toBe(true);
    expect(isAtAppAddress(new Headers({ host: "localhost:3000", "x-forwarded-host": "evil.example" }), APP)).toBe(false);
  });

  it("links to the same path at APP_ORIGIN, and never off it", () => {
    expect(appAddressFor("/login?returnTo=%2Fnotes", APP)).toBe("http://localhost:3000/login?returnTo=%2Fnotes");
    expect(appAddressFor("/", APP)).toBe("http://localhost:3000/");
    for (const path of ["//evil.example/x", "/\\evil.example", "/.//evil.example"]) expect(appAddressFor(path, APP)).toBe("http://localhost:3000/notes");
  });

  it("answers 421 with the link, escaped, and nothing of the request's host", async () => {
    const response = wrongAddressPageResponse('/login?returnTo="><script>alert(1)</script>', APP, "n0nce");
    const html = await response.text();
    expect(response.status).toBe(421);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).not.toContain("<script>");
    expect(html).toContain('href="http://localhost:3000/login?returnTo=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"');
    expect(html).toContain('<style nonce="n0nce">');
  });
});
