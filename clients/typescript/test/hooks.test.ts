// The React hooks in jsdom (global-jsdom) with React Testing Library, against a real `billing-server.jar local`.
import "global-jsdom/register";
import { after, before, describe } from "node:test";
import { defineHooks } from "./hooks.js";
import { startHarness, type Harness } from "./support.js";

describe("hooks against the local server", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness("direct");
  });
  after(async () => {
    await harness?.stop();
  });
  defineHooks(() => harness);
});
