/**
 * The operator web page for real fleets: shards per node as load bars with the balance (max/mean), a paged
 * shard list with search and owner/status filters, the live change feed (EventSource on the watch endpoint),
 * and a simulate / apply panel pre-filled with the namespace's nodes that previews a plan's moves. Nothing on
 * the page grows with the namespace: counts come from the ownership endpoint, shards a page at a time, and the
 * node and move lists scroll inside their boxes.
 *
 * Token handling (the trade-off): the page reads a token from the URL fragment (`/#token=...`, never sent to
 * the server) or asks for one, and keeps it in sessionStorage. fetch() calls send it in the Authorization
 * header, but EventSource cannot set headers, so the live feed sends it as an `access_token` query parameter,
 * where proxies, access logs and browser history could record it. Hence: open the page with the READ-ONLY
 * token (the server prints a `#token=` link with it), and give the operator token only to "Unlock operate",
 * which keeps it in memory for fetch() headers (simulate/apply) and never puts it in a URL. The server itself
 * never logs query strings. Simulate or Apply without the operator token asks for it (the same prompt) instead
 * of failing.
 *
 * Restarts: the live feed resumes after the last position it showed, whether EventSource reconnects by itself
 * (`Last-Event-ID`) or gave up on a non-200 answer (the page then opens a new one, with backoff).
 */

export const PAGE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shard control plane</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f6f7fb; }
  header { background: #1d2433; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; flex: 1; }
  main { display: grid; grid-template-columns: 2fr 1fr; gap: 16px; padding: 16px; }
  section { background: #fff; border-radius: 6px; padding: 12px; box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 14px; margin: 0 0 8px; }
  .node { margin: 6px 0; }
  .node .label { display: flex; justify-content: space-between; font-weight: 600; }
  .bar { height: 6px; background: #e3e7f0; border-radius: 3px; margin: 3px 0; }
  .bar > div { height: 6px; background: #4d7cfe; border-radius: 3px; }
  .bar > div.proposed { background: #f0a830; margin-top: 1px; }
  #nodes { max-height: 260px; overflow: auto; }
  .rows { max-height: 440px; overflow: auto; }
  table { border-collapse: collapse; width: 100%; font: 12px monospace; }
  th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; }
  tr.moving td { background: #ffe2a8; }
  tr.changed td { background: #b8f0c8; }
  .filters { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 6px; }
  .pager { display: flex; gap: 6px; align-items: center; margin-top: 6px; }
  #feed { list-style: none; padding: 0; margin: 0; max-height: 420px; overflow: auto; font: 12px monospace; }
  #feed li { border-bottom: 1px solid #eee; padding: 3px 0; }
  input, select, button { font: inherit; padding: 3px 6px; }
  #moves { font: 12px monospace; max-height: 200px; overflow: auto; }
  .muted { color: #6b7280; }
  .error { color: #b42318; }
</style>
</head>
<body>
<header>
  <h1>Shard control plane</h1>
  <label>namespace <input id="namespace" value="demo" size="14"></label>
  <button id="reload">Reload</button>
  <span id="status" class="muted">connecting…</span>
</header>
<main>
  <div>
  <section>
    <h2>Ownership per node <span id="total" class="muted"></span></h2>
    <div id="nodes"></div>
  </section>
  <section style="margin-top:16px">
    <h2>Shards</h2>
    <div class="filters">
      <input id="search" placeholder="search shard id" size="16">
      <select id="owner"><option value="">any owner</option></select>
      <select id="status-filter"><option value="">any status</option><option>active</option><option>draining</option><option>paused</option><option>disabled</option></select>
    </div>
    <div class="rows"><table><thead><tr><th>shard</th><th>owner</th><th>status</th><th>v</th></tr></thead><tbody id="shards"></tbody></table></div>
    <div class="pager"><button id="prev" disabled>‹ prev</button><button id="next" disabled>next ›</button><span id="page-info" class="muted"></span></div>
  </section>
  </div>
  <div>
    <section>
      <h2>Simulate</h2>
      <div><input id="sim-nodes" value="" size="34" title="nodeId[:weight], comma separated (pre-filled with the namespace's nodes)"></div>
      <div style="margin-top:6px">
        <select id="sim-strategy"><option>rendezvous</option><option>weighted-rendezvous</option><option>ring</option><option>locality</option></select>
        <button id="simulate">Simulate</button>
        <button id="apply" disabled>Apply</button>
        <button id="unlock">Unlock operate</button>
      </div>
      <p id="sim-summary" class="muted"></p>
      <div id="moves"></div>
    </section>
    <section style="margin-top:16px">
      <h2>Live changes</h2>
      <ul id="feed"></ul>
    </section>
  </div>
</main>
<script src="/app.js"></script>
</body>
</html>
`;
