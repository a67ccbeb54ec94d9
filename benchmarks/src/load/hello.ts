/**
 * The reference point of the load benchmark: a Hono hello-world route on the same Node adapter as the control
 * plane (`@hono/node-server`). Prints `listening at <url>` like the app. Usage: `node hello.js --port 0`.
 *
 * @module
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.get("/", (c) => c.text("Hello Hono!"));
serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  console.log(`listening at http://127.0.0.1:${info.port}`);
});
process.once("SIGTERM", () => process.exit(0));
