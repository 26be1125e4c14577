// The one way the apps talk to the API: same-origin JSON under /api/v1, session cookies, the
// CSRF token echoed on unsafe methods, one refresh when the access token has expired, and
// every failure as an `ApiError` whose `code` is the API's stable error code (or `network`).
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** The JSON a route answers on success, as docs/openapi.yaml describes it. */
export type Reply<
  P extends keyof paths,
  M extends "get" | "post" | "patch" | "delete",
> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: { content: { "application/json": infer J } } }
    ? J
    : R extends { 201: { content: { "application/json": infer J } } }
      ? J
      : never
  : never;

export const API_BASE = "/api/v1";
const CSRF_COOKIE = "csrftoken";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** Seconds the server asked us to wait (`Retry-After`), when it did. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Asking whether there is a session at all: a 401 then ends no session (no listener hears it). */
  sessionOptional?: boolean;
  /** `no-cache` to read past a publicly cached answer (an admin just changed it). */
  cache?: RequestCache;
  /** The answer is text (a CSV export), not JSON. */
  text?: boolean;
}

/** The routes that make or end a session: their 401s are answers, not an expired session. */
const SESSION_ROUTES = new Set([
  "/auth/csrf",
  "/auth/token",
  "/auth/token/refresh",
  "/auth/otp/send",
  "/auth/otp/verify",
  "/auth/logout",
]);

export interface Answer<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** What the client needs from its surroundings; tests give their own. */
export interface Environment {
  fetch: typeof fetch;
  /** `document.cookie`, or what stands for it. */
  cookies: () => string;
}

type Listener = () => void;

export class Api {
  private expiredListeners = new Set<Listener>();
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly env: Environment) {}

  /** Called when the session is gone for good (the refresh was refused too). */
  onSessionExpired(listener: Listener): () => void {
    this.expiredListeners.add(listener);
    return () => this.expiredListeners.delete(listener);
  }

  async get<T>(path: string, options: CallOptions = {}): Promise<T> {
    return (await this.call<T>("GET", path, options)).data;
  }

  /** A GET answered with text (a CSV export), with the same refresh of an expired session. */
  async text(path: string, accept: string): Promise<string> {
    return (await this.call<string>("GET", path, { headers: { accept }, text: true })).data;
  }

  async post<T>(path: string, body: unknown = {}, options: CallOptions = {}): Promise<T> {
    return (await this.call<T>("POST", path, { ...options, body })).data;
  }

  /** A call with the whole answer (status and headers too). */
  async call<T>(method: Method, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    try {
      return await this.once<T>(method, path, options);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "csrf_failed") {
        return this.once<T>(method, path, options, await this.freshCsrfToken());
      }
      if (error.status === 401 && !SESSION_ROUTES.has(path)) {
        if (await this.refresh()) return this.once<T>(method, path, options);
        if (!options.sessionOptional) this.expiredListeners.forEach((listener) => listener());
      }
      throw error;
    }
  }

  /** Trades the refresh cookie for a new session once, however many calls ask at once. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.once("POST", "/auth/token/refresh", {})
      .then(
        () => true,
        () => false,
      )
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  private async once<T>(
    method: Method,
    path: string,
    options: CallOptions,
    csrfToken?: string,
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET") {
      headers["x-csrftoken"] = csrfToken ?? this.csrfToken() ?? (await this.freshCsrfToken());
    }
    let response: Response;
    try {
      response = await this.env.fetch(API_BASE + path, {
        method,
        headers,
        credentials: "same-origin",
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? null,
        ...(options.cache ? { cache: options.cache } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError(0, "network", "The network is unreachable.");
    }
    const text = await response.text();
    if (response.ok && options.text)
      return { status: response.status, headers: response.headers, data: text as T };
    const data: unknown = text ? parseJson(text) : null;
    if (response.ok) return { status: response.status, headers: response.headers, data: data as T };
    throw errorOf(response, data);
  }

  /**
   * Sends a file as `multipart/form-data` in the form field `field`, telling `onProgress` the
   * share sent so far (a `fetch` cannot); the JSON answer, or an `ApiError` as for any call.
   */
  async upload<T>(path: string, field: string, file: Blob, onProgress: (sent: number) => void): Promise<T> {
    const token = this.csrfToken() ?? (await this.freshCsrfToken());
    const form = new FormData();
    form.append(field, file);
    const xhr = new XMLHttpRequest();
    const done = new Promise<void>((resolve, reject) => {
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => resolve();
      xhr.onerror = () => reject(new ApiError(0, "network", "The network is unreachable."));
    });
    xhr.open("POST", API_BASE + path);
    xhr.setRequestHeader("accept", "application/json");
    xhr.setRequestHeader("x-csrftoken", token);
    xhr.withCredentials = true;
    xhr.send(form);
    await done;
    const data = xhr.responseText ? parseJson(xhr.responseText) : null;
    if (xhr.status >= 200 && xhr.status < 300) return data as T;
    const headers = new Headers();
    const retryAfter = xhr.getResponseHeader("retry-after");
    if (retryAfter) headers.set("retry-after", retryAfter);
    throw errorOf(new Response(null, { status: xhr.status, headers }), data);
  }

  private csrfToken(): string | null {
    for (const pair of this.env.cookies().split(";")) {
      const [name, ...value] = pair.trim().split("=");
      if (name === CSRF_COOKIE && value.length > 0) return decodeURIComponent(value.join("="));
    }
    return null;
  }

  private async freshCsrfToken(): Promise<string> {
    const answer = await this.once<{ csrf_token: Schemas["CsrfToken"] }>("GET", "/auth/csrf", {});
    return answer.data.csrf_token;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorOf(response: Response, data: unknown): ApiError {
  const retryAfter = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
  const error = isErrorBody(data) ? data.error : null;
  return new ApiError(
    response.status,
    error?.code ?? (response.status >= 500 ? "unavailable" : "unexpected"),
    error?.message ?? `The server answered ${response.status}.`,
    error?.fields ?? {},
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

function isErrorBody(data: unknown): data is Schemas["Error"] {
  if (typeof data !== "object" || data === null || !("error" in data)) return false;
  const error = (data as { error: unknown }).error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

/** A fresh `Idempotency-Key`: one per thing the person means to do. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/** The client of the page. */
export const api = new Api({
  fetch: (...args) => fetch(...args),
  cookies: () => (typeof document === "undefined" ? "" : document.cookie),
});
