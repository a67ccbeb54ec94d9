/**
 * The operator web page: shard ownership per node, the live change feed (EventSource on the watch endpoint),
 * and a simulate / apply panel that highlights the moves a plan would make.
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
  .chips { display: flex; flex-wrap: wrap; gap: 3px; }
  .chip { font: 11px monospace; padding: 1px 4px; border-radius: 3px; background: #eef1f8; }
  .chip.moving { background: #ffe2a8; }
  .chip.changed { background: #b8f0c8; }
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
  <section>
    <h2>Ownership per node <span id="total" class="muted"></span></h2>
    <div id="nodes"></div>
  </section>
  <div>
    <section>
      <h2>Simulate</h2>
      <div><input id="sim-nodes" value="node-a,node-b,node-c,node-d,node-e" size="34" title="nodeId[:weight], comma separated"></div>
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

export const PAGE_SCRIPT: string = `"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) { sessionStorage.setItem("shards.token", fromHash); history.replaceState(null, "", location.pathname); }
  let token = sessionStorage.getItem("shards.token") || window.prompt("Bearer token (read-only is enough to watch):") || "";
  sessionStorage.setItem("shards.token", token);
  let operateToken = null;
  let owners = new Map();
  let plan = null;
  let source = null;

  const headers = (t) => ({ authorization: "Bearer " + t, "content-type": "application/json" });
  const ns = () => $("namespace").value.trim();
  const status = (text, error) => { $("status").textContent = text; $("status").className = error ? "error" : "muted"; };

  async function call(path, init, t) {
    const res = await fetch(path, { ...init, headers: headers(t || token) });
    const body = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error((body && body.code ? body.code + ": " : "") + (body && body.detail ? body.detail : res.status));
    return body;
  }

  function render() {
    const byNode = new Map();
    for (const [shardId, node] of owners) {
      if (!byNode.has(node)) byNode.set(node, []);
      byNode.get(node).push(shardId);
    }
    const moving = new Map((plan ? plan.changes : []).map((c) => [c.shardId, c.proposedOwner]));
    const max = Math.max(1, ...[...byNode.values()].map((v) => v.length));
    const box = $("nodes");
    box.textContent = "";
    for (const node of [...byNode.keys()].sort()) {
      const ids = byNode.get(node).sort();
      const div = document.createElement("div");
      div.className = "node";
      div.dataset.node = node;
      const label = document.createElement("div");
      label.className = "label";
      const name = document.createElement("span"); name.textContent = node;
      const count = document.createElement("span"); count.className = "count"; count.textContent = String(ids.length);
      label.append(name, count);
      const bar = document.createElement("div"); bar.className = "bar";
      const fill = document.createElement("div"); fill.style.width = (100 * ids.length / max) + "%"; bar.append(fill);
      const chips = document.createElement("div"); chips.className = "chips";
      for (const id of ids) {
        const chip = document.createElement("span");
        chip.className = "chip" + (moving.has(id) ? " moving" : "");
        chip.dataset.shard = id;
        chip.textContent = moving.has(id) ? id + " → " + moving.get(id) : id;
        chips.append(chip);
      }
      div.append(label, bar, chips);
      box.append(div);
    }
    $("total").textContent = "(" + owners.size + " shards on " + byNode.size + " nodes)";
  }

  async function loadOwnership() {
    owners = new Map();
    let cursor = null;
    let position = 0;
    do {
      const q = new URLSearchParams({ namespace: ns(), pageSize: "500" });
      if (cursor) q.set("cursor", cursor);
      const page = await call("/control/shards?" + q);
      for (const r of page.items) owners.set(r.shardId, r.ownerNodeId);
      cursor = page.nextCursor;
      position = page.version;
    } while (cursor);
    render();
    return position;
  }

  // The live feed. EventSource reconnects by itself (with Last-Event-ID) when a stream ends or the network
  // fails, but gives up for good on a non-200 answer (e.g. 503 from a server that is shutting down). Then the
  // page opens a new EventSource from the last position it showed, with backoff; a rejected token asks for
  // a new one instead of retrying.
  let lastPosition = 0;
  let retryTimer = null;
  let fatal = 0;
  function watch(from) {
    if (source) source.close();
    clearTimeout(retryTimer);
    lastPosition = from;
    fatal = 0;
    connect();
  }
  function connect() {
    const q = new URLSearchParams({ namespace: ns(), resumeToken: String(lastPosition), access_token: token });
    const es = new EventSource("/control/shards/watch?" + q);
    source = es;
    es.onopen = () => { fatal = 0; status("live"); };
    es.onerror = () => {
      if (es !== source) return;
      status("reconnecting…", true);
      if (es.readyState === EventSource.CLOSED) recover();
    };
    es.addEventListener("shard.error", (e) => status(JSON.parse(e.data).message, true));
    es.addEventListener("shard.diff", (e) => {
      const d = JSON.parse(e.data);
      if (d.position <= lastPosition) return;
      lastPosition = d.position;
      const prev = d.previous ? d.previous.ownerNodeId : "(new)";
      const li = document.createElement("li");
      li.textContent = "#" + d.position + " " + d.current.shardId + " " + prev + " → " + d.current.ownerNodeId +
        (d.current.changeTicket ? " [" + d.current.changeTicket + "]" : "") + " v" + d.current.version;
      $("feed").prepend(li);
      owners.set(d.current.shardId, d.current.ownerNodeId);
      if (plan) plan.changes = plan.changes.filter((c) => c.shardId !== d.current.shardId);
      render();
      const chip = document.querySelector('.chip[data-shard="' + CSS.escape(d.current.shardId) + '"]');
      if (chip) chip.classList.add("changed");
    });
  }
  async function recover() {
    const delay = Math.min(15000, 500 * 2 ** Math.min(fatal++, 5));
    const probe = await fetch("/control/shards?" + new URLSearchParams({ namespace: ns(), pageSize: "1" }), { headers: headers(token) }).catch(() => null);
    if (probe && (probe.status === 401 || probe.status === 403)) {
      const next = window.prompt("The server rejected the token (restarted with new tokens?). Read token:");
      if (!next) { status("token rejected: reload the page with a valid token", true); return; }
      token = next;
      sessionStorage.setItem("shards.token", token);
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }
  async function start() {
    try {
      status("loading…");
      plan = null;
      $("apply").disabled = true;
      const position = await loadOwnership();
      watch(position);
    } catch (e) { status(e.message, true); }
  }

  $("reload").onclick = start;
  const summary = (text, error) => { $("sim-summary").textContent = text; $("sim-summary").className = error ? "error" : "muted"; };
  const unlock = (why) => {
    const t = window.prompt(why + "Operator token (kept in memory, sent only in Authorization headers):");
    if (t) operateToken = t;
    return Boolean(t);
  };
  // Simulate and apply need shards.operate. Opened with the read token (the banner's link), the first try
  // answers 403: ask for the operator token and try again, instead of failing.
  async function operate(path, body) {
    for (;;) {
      try {
        return await call(path, { method: "POST", body: JSON.stringify(body) }, operateToken || token);
      } catch (e) {
        if (!/^shards\\.http\\.(forbidden|unauthorized)/.test(e.message)) throw e;
        if (!unlock("This needs the operator token (scope shards.operate). ")) throw new Error("Unlock operate to simulate or apply.");
      }
    }
  }

  $("reload").onclick = start;
  $("unlock").onclick = () => unlock("");
  $("simulate").onclick = async () => {
    try {
      const nodes = $("sim-nodes").value.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
        const [nodeId, weight] = s.split(":");
        return weight ? { nodeId, weight: Number(weight) } : { nodeId };
      });
      plan = await operate("/control/shards/simulate", { namespace: ns(), strategyId: $("sim-strategy").value, nodes });
      summary(plan.moves + " moves (minimum " + plan.minimumMoves + "), balance max/mean " + plan.balance.ratio.toFixed(2), false);
      $("moves").textContent = plan.changes.map((c) => c.shardId + ": " + c.currentOwner + " → " + c.proposedOwner).join("\\n");
      $("moves").style.whiteSpace = "pre";
      $("apply").disabled = plan.changes.length === 0;
      render();
    } catch (e) { summary(e.message, true); }
  };
  $("apply").onclick = async () => {
    if (!plan) return;
    const reason = window.prompt("Reason for applying this plan:", "rebalance");
    const ticket = window.prompt("Change ticket:", "CHG-" + Date.now());
    if (!reason || !ticket) return;
    try {
      const r = await operate("/control/shards/apply", { simulation: plan, actor: "web", reason, changeTicket: ticket });
      summary("applied " + r.applied.length + " moves under " + r.changeTicket, false);
      $("apply").disabled = true;
    } catch (e) { summary(e.message, true); }
  };
  start();
})();
`;
