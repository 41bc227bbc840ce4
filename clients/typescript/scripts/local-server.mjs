// Starts `billing-server.jar local` (and a Prism proxy in front of it) for the tests. Plain JavaScript, so that
// starting a server never waits on the generated types.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's own directory (clients/typescript), wherever this file was compiled to. */
export const packageDir = findPackageDir(dirname(fileURLToPath(import.meta.url)));
/** The repository root. */
export const repoDir = resolve(packageDir, "..", "..");
/** The OpenAPI document the types are generated from. */
export const openApiPath = join(repoDir, "docs", "openapi.json");

const BUILD_JAR =
  "./mvnw -q -B -Dmaven.test.skip=true -Dbilling.postgrest.install.skip=true package -pl billing-server -am";

function findPackageDir(dir) {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "package.json")) && existsSync(join(d, "scripts", "local-server.mjs"))) return d;
    if (dirname(d) === d) throw new Error(`no clients/typescript package above ${dir}`);
  }
}

/** The server jar: BILLING_SERVER_JAR, or the one the Maven build packages; fails saying how to build it. */
export function serverJar() {
  const jar = process.env.BILLING_SERVER_JAR || join(repoDir, "billing-server", "target", "billing-server.jar");
  if (!existsSync(jar)) {
    throw new Error(
      `The server jar ${jar} does not exist. Build it from the repository root with\n  ${BUILD_JAR}\n` +
        "(./test.sh builds it as part of the whole test run), or point BILLING_SERVER_JAR at one.",
    );
  }
  return jar;
}

/** A port the system reports free now (another process may still take it: start() retries on a clash). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function javaCommand() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Resolves once `url` answers 200, rejects when `child` exits first or `limitMs` passes. */
async function waitUntilAnswering(url, child, output, what, limitMs) {
  const deadline = Date.now() + limitMs;
  let exited = null;
  child.once("exit", (code, signal) => (exited = { code, signal }));
  for (;;) {
    if (exited) {
      throw new Error(`${what} exited (${exited.code ?? exited.signal}) before answering ${url}:\n${output()}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer ${url} within ${limitMs / 1000} s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

function capture(child) {
  let text = "";
  const keep = (chunk) => {
    text += chunk.toString();
    if (text.length > 200_000) text = text.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => text;
}

/**
 * Starts `java -jar billing-server.jar local` on free ports with its own data directory, waits until
 * `GET /health` answers, and returns its addresses. `env` adds settings local mode honours
 * (e.g. BILLING_RATE_LIMIT_USER_PER_MINUTE).
 */
export async function startLocalServer({ env = {}, attempts = 3 } = {}) {
  const jar = serverJar();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let stripePort = await freePort();
    while (stripePort === port) stripePort = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), "billing-ts-client-"));
    const child = spawn(
      javaCommand(),
      ["-jar", jar, "local", "--data-dir", dataDir, "--port", String(port), "--stripe-port", String(stripePort)],
      { env: { ...process.env, BILLING_LOG_FORMAT: "text", ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const output = capture(child);
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(`${baseUrl}/health`, child, output, "billing-server.jar local", 180_000);
    } catch (e) {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
      if (attempt < attempts && /address already in use|BindException/i.test(output())) continue;
      throw e;
    }
    return {
      baseUrl,
      stripeUrl: `http://127.0.0.1:${stripePort}`,
      output,
      async stop() {
        await stopChild(child);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
}

/**
 * Starts Stoplight Prism as a validating proxy (`prism proxy <document> <upstream> --errors`) on a free port:
 * a request or response that breaks the document is answered by Prism with an error instead of passing through.
 * `violations()` lists the violations Prism logged.
 */
export async function startPrismProxy(upstreamUrl, { document = openApiPath, attempts = 3 } = {}) {
  const prism = join(packageDir, "node_modules", ".bin", "prism");
  if (!existsSync(prism)) {
    throw new Error(`Prism is not installed at ${prism}: run \`npm ci\` in ${packageDir}.`);
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      prism,
      ["proxy", document, upstreamUrl, "--errors", "--host", "127.0.0.1", "--port", String(port)],
      { env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const output = capture(child);
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(`${baseUrl}/health`, child, output, "prism proxy", 120_000);
    } catch (e) {
      await stopChild(child);
      if (attempt < attempts && /EADDRINUSE/i.test(output())) continue;
      throw e;
    }
    return {
      baseUrl,
      output,
      /** Prism's log lines that report a violation of the document. */
      violations() {
        return output()
          .split("\n")
          .filter((line) => /violation/i.test(line));
      },
      stop: () => stopChild(child),
    };
  }
}
