import { describe, expect, it } from "vitest";
import { Api, ApiError } from "./client";

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** A server that answers from a script, in order, and records what it was sent. */
function server(answers: Array<[number, unknown, Record<string, string>?]>, cookie = "csrftoken=tok-1") {
  const seen: Seen[] = [];
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    seen.push({
      method: init?.method ?? "GET",
      url: String(url),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: (init?.body as string | null) ?? null,
    });
    const next = answers.shift();
    if (!next) throw new TypeError("Failed to fetch");
    const [status, body, headers] = next;
    return new Response(body === null ? null : JSON.stringify(body), { status, headers });
  };
  let cookies = cookie;
  const api = new Api({ fetch: fetch as typeof globalThis.fetch, cookies: () => cookies });
  return { api, seen, setCookies: (c: string) => (cookies = c) };
}

const error = (code: string, message = "Do this.", fields?: Record<string, string>) => ({
  error: { code, message, ...(fields ? { fields } : {}) },
});

describe("the API client", () => {
  it("sends JSON under /api/v1 and echoes the CSRF cookie on unsafe methods only", async () => {
    const { api, seen } = server([
      [200, { ok: 1 }],
      [201, { id: "r" }],
    ]);
    expect(await api.get("/hotels/demo")).toEqual({ ok: 1 });
    expect(await api.post("/hotels/demo/requests", { details: "towels" })).toEqual({ id: "r" });
    expect(seen[0]).toMatchObject({ method: "GET", url: "/api/v1/hotels/demo", body: null });
    expect(seen[0]?.headers["x-csrftoken"]).toBeUndefined();
    expect(seen[1]?.headers).toMatchObject({
      "x-csrftoken": "tok-1",
      "content-type": "application/json",
    });
    expect(seen[1]?.body).toBe('{"details":"towels"}');
  });

  it("asks for a CSRF token when there is no cookie, and again when it was refused", async () => {
    const { api, seen } = server(
      [
        [200, { csrf_token: "fresh" }],
        [403, error("csrf_failed")],
        [200, { csrf_token: "fresher" }],
        [200, { sent: true }],
      ],
      "",
    );
    expect(await api.post("/auth/otp/send", { phone: "+1" })).toEqual({ sent: true });
    expect(seen.map((s) => `${s.method} ${s.url} ${s.headers["x-csrftoken"] ?? ""}`)).toEqual([
      "GET /api/v1/auth/csrf ",
      "POST /api/v1/auth/otp/send fresh",
      "GET /api/v1/auth/csrf ",
      "POST /api/v1/auth/otp/send fresher",
    ]);
  });

  it("refreshes an expired session once and repeats the call", async () => {
    const { api, seen } = server([
      [401, error("unauthenticated")],
      [200, { user: {} }],
      [200, { items: [] }],
    ]);
    expect(await api.get("/me/requests")).toEqual({ items: [] });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /api/v1/me/requests",
      "POST /api/v1/auth/token/refresh",
      "GET /api/v1/me/requests",
    ]);
  });

  it("tells its listeners when the session is gone for good", async () => {
    const { api } = server([
      [401, error("unauthenticated")],
      [401, error("unauthenticated")],
    ]);
    let expired = 0;
    api.onSessionExpired(() => (expired += 1));
    await expect(api.get("/me/stays")).rejects.toMatchObject({ status: 401, code: "unauthenticated" });
    expect(expired).toBe(1);
  });

  it("asks whether there is a session without ending one", async () => {
    const { api, seen } = server([
      [401, error("unauthenticated")],
      [401, error("unauthenticated")],
      [401, error("invalid_credentials")],
    ]);
    let expired = 0;
    api.onSessionExpired(() => (expired += 1));
    await expect(api.get("/auth/profile", { sessionOptional: true })).rejects.toMatchObject({ status: 401 });
    expect(seen.map((s) => s.url)).toEqual(["/api/v1/auth/profile", "/api/v1/auth/token/refresh"]);
    // A refused login is an answer, not an expired session: no refresh, nobody told.
    await expect(api.post("/auth/token", { email: "a@b.c" })).rejects.toMatchObject({ status: 401 });
    expect(seen).toHaveLength(3);
    expect(expired).toBe(0);
  });

  it("shares one refresh between calls that fail together", async () => {
    const { api, seen } = server([
      [401, error("unauthenticated")],
      [401, error("unauthenticated")],
      [200, { user: {} }],
      [200, { a: 1 }],
      [200, { b: 2 }],
    ]);
    const both = await Promise.all([api.get("/me/a"), api.get("/me/b")]);
    expect(both).toHaveLength(2);
    expect(seen.filter((s) => s.url.endsWith("/refresh"))).toHaveLength(1);
  });

  it("turns error bodies, Retry-After and network failures into ApiErrors", async () => {
    const { api } = server([
      [429, error("rate_limited", "Too many codes."), { "retry-after": "42" }],
      [400, error("invalid", "Check the phone.", { phone: "Use +44 ..." })],
      [502, null],
    ]);
    const rate = await api.post("/auth/otp/send").catch((e: unknown) => e);
    expect(rate).toBeInstanceOf(ApiError);
    expect(rate).toMatchObject({ status: 429, code: "rate_limited", retryAfter: 42 });
    await expect(api.post("/auth/otp/send")).rejects.toMatchObject({
      code: "invalid",
      fields: { phone: "Use +44 ..." },
    });
    await expect(api.get("/health")).rejects.toMatchObject({ status: 502, code: "unavailable" });
    await expect(api.get("/health")).rejects.toMatchObject({ status: 0, code: "network" });
  });
});
