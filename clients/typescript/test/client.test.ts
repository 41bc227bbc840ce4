// The typed client against a real `billing-server.jar local`, called directly.
import { after, before, describe } from "node:test";
import { defineClientFlow } from "./flow.js";
import { startHarness, type Harness } from "./support.js";

describe("client against the local server", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness("direct");
  });
  after(async () => {
    await harness?.stop();
  });
  defineClientFlow(() => harness);
});
