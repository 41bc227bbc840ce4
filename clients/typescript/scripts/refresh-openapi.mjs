// Writes docs/openapi.json from a running local server's GET /openapi.json (the server jar must be built).
// Run it again whenever the server's routes change: `npm run openapi:refresh`, then `npm run generate`.
import { writeFile } from "node:fs/promises";
import { openApiPath, startLocalServer } from "./local-server.mjs";

const server = await startLocalServer();
try {
  const res = await fetch(`${server.baseUrl}/openapi.json`);
  if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
  const document = await res.json();
  await writeFile(openApiPath, JSON.stringify(document, null, 2) + "\n");
  console.log(`wrote ${openApiPath} (${Object.keys(document.paths).length} paths)`);
} finally {
  await server.stop();
}
