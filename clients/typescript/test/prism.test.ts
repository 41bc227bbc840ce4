// The same front-end flow through Stoplight Prism (`prism proxy docs/openapi.json <server> --errors`): a request
// or an answer that breaks the document fails the call that made it, and the suite ends by listing every
// violation Prism logged.
import "global-jsdom/register";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { defineClientFlow } from "./flow.js";
import { defineHooks } from "./hooks.js";
import { startHarness, type Harness } from "./support.js";

describe("client through a Prism proxy validating docs/openapi.json", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness("prism");
  });
  after(async () => {
    await harness?.stop();
  });
  defineClientFlow(() => harness);
  defineHooks(() => harness);

  it("Prism logged no violation of the document", () => {
    const violations = harness.violations();
    assert.deepEqual(violations, [], `Prism answered ${violations.length} violation(s) of docs/openapi.json:\n${violations.join("\n")}`);
  });
});
