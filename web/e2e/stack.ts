// The end-to-end tests' stack: `concierge-dev` (the very stack of `make dev`) on a free port,
// serving the built app, with streams that end every few seconds so that reconnecting is
// exercised. Started once for the run, stopped after it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

export interface StackInfo {
  origin: string;
  password: string;
  hotels: Array<{
    slug: string;
    logins: Array<{ role: string; email: string; phone: string }>;
    rooms: Array<{ room: string; code: string }>;
  }>;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** How long a live stream lasts on this stack before the browser reconnects. */
export const STREAM_MAX_SECS = 4;

const workspace = resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject) {
  const binary = process.env.CONCIERGE_DEV_BIN ?? join(workspace, "target/debug/concierge-dev");
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} is missing: build it with \`cargo build -p concierge-infra --bin concierge-dev\``,
    );
  }
  if (!existsSync(join(workspace, "web/dist/index.html"))) {
    throw new Error("web/dist is missing: run `npm run build` first");
  }
  const dir = mkdtempSync(join(tmpdir(), "concierge-e2e-"));
  const ready = join(dir, "ready.json");
  const log = openSync(join(workspace, "target/web-e2e-stack.log"), "w");
  const child: ChildProcess = spawn(
    binary,
    [
      "--port",
      "0",
      "--table",
      `e2e-${Date.now()}`,
      "--ready-file",
      ready,
      "--stream-max-secs",
      String(STREAM_MAX_SECS),
      // Every test's guest and staff member logs in from 127.0.0.1.
      "--rate-otp-send-ip",
      "500/3600",
      "--rate-password-login",
      "500/3600",
      "--site",
      join(workspace, "web/dist"),
    ],
    { stdio: ["ignore", log, log], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" } },
  );
  const exited = new Promise<number | null>((done) => child.once("exit", done));
  const deadline = Date.now() + 90_000;
  while (!existsSync(ready)) {
    if (child.exitCode !== null) {
      throw new Error(`concierge-dev stopped (${child.exitCode}); see target/web-e2e-stack.log`);
    }
    if (Date.now() > deadline) throw new Error("concierge-dev did not get ready in 90 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  project.provide("stack", JSON.parse(readFileSync(ready, "utf8")) as StackInfo);
  return async () => {
    child.kill("SIGTERM");
    await exited;
  };
}
