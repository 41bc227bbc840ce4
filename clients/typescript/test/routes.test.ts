// The client covers the document: every route of docs/openapi.json but the admin routes, the webhooks and the
// server's own operational documents has a client method, each at the method and path the document gives, and the
// client sends an Idempotency-Key exactly where the document asks for one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { IDEMPOTENT_OPERATIONS, ROUTES } from "../src/index.js";
import { openApiPath } from "#local-server";

type Operation = { operationId: string; parameters?: { in: string; name: string }[] };
const document = JSON.parse(readFileSync(openApiPath, "utf8")) as { paths: Record<string, Record<string, Operation>> };
const LEFT_OUT = /^\/(admin|webhooks|metrics|openapi\.json)(\/|$)/;

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
);

it("has a method for every user, organization and guest route, where the document has it", () => {
  const expected = Object.fromEntries(
    operations.filter((o) => !LEFT_OUT.test(o.path)).map((o) => [o.op.operationId, [o.method, o.path]]),
  );
  assert.deepEqual(
    Object.fromEntries(Object.entries(ROUTES).map(([id, route]) => [id, [...route]])),
    expected,
  );
});

it("generates an Idempotency-Key for exactly the client's routes that take one", () => {
  const takingKey = operations
    .filter((o) => !LEFT_OUT.test(o.path))
    .filter((o) => (o.op.parameters ?? []).some((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key"))
    .map((o) => o.op.operationId);
  assert.deepEqual([...IDEMPOTENT_OPERATIONS].sort(), takingKey.sort());
});
