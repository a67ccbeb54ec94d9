/**
 * The web page's script (served as `/app.js`; see page.ts for what the page shows and how it handles tokens
 * and restarts).
 */

export const PAGE_SCRIPT: string = `"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) { sessionStorage.setItem("shards.token", fromHash); history.replaceState(null, "", location.pathname); }
  let token = sessionStorage.getItem("shards.token") || window.prompt("Bearer token (read-only is enough to watch):") || "";
  sessionStorage.setItem("shards.token", token);
  let operateToken = null;
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

  // Shards per node come from the ownership endpoint (a count per node, whatever the namespace's size); the
  // proposed counts of a simulated plan are drawn under them.
  let counts = new Map();
  function render() {
    const proposed = plan ? plan.balance.perNode : null;
    const nodes = [...new Set([...counts.keys(), ...(proposed ? Object.keys(proposed) : [])])].sort();
    const values = nodes.map((n) => Math.max(counts.get(n) || 0, proposed ? proposed[n] || 0 : 0));
    const max = Math.max(1, ...values);
    const box = $("nodes");
    box.textContent = "";
    let total = 0;
    for (const node of nodes) {
      const n = counts.get(node) || 0;
      total += n;
      const div = document.createElement("div");
      div.className = "node";
      div.dataset.node = node;
      const label = document.createElement("div");
      label.className = "label";
      const name = document.createElement("span"); name.textContent = node;
      const count = document.createElement("span"); count.className = "count";
      count.textContent = proposed ? n + " → " + (proposed[node] || 0) : String(n);
      label.append(name, count);
      const bar = document.createElement("div"); bar.className = "bar";
      const fill = document.createElement("div"); fill.style.width = (100 * n / max) + "%"; bar.append(fill);
      if (proposed) {
        const next = document.createElement("div"); next.className = "proposed";
        next.style.width = (100 * (proposed[node] || 0) / max) + "%"; bar.append(next);
      }
      div.append(label, bar);
      box.append(div);
    }
    const owned = nodes.filter((n) => (counts.get(n) || 0) > 0);
    const mean = owned.length === 0 ? 0 : total / owned.length;
    const ratio = mean === 0 ? 0 : Math.max(...owned.map((n) => counts.get(n))) / mean;
    $("total").textContent = "(" + total + " shards on " + owned.length + " nodes, balance max/mean " + ratio.toFixed(2) + ")";
    const select = $("owner");
    const chosen = select.value;
    select.length = 1;
    for (const node of owned) select.add(new Option(node, node, false, node === chosen));
  }

  async function loadOwnership() {
    const o = await call("/control/shards/ownership?" + new URLSearchParams({ namespace: ns() }));
    counts = new Map(Object.entries(o.balance.perNode));
    if (!$("sim-nodes").dataset.edited) $("sim-nodes").value = [...counts.keys()].join(",");
    render();
    return o.version;
  }

  // One page of shards at a time: a stack of cursors for prev/next; filters restart at the first page.
  const PAGE = 100;
  let cursors = [null];
  let rows = new Map();
  async function loadPage() {
    const q = new URLSearchParams({ namespace: ns(), pageSize: String(PAGE) });
    const cursor = cursors[cursors.length - 1];
    if (cursor) q.set("cursor", cursor);
    if ($("search").value.trim()) q.set("search", $("search").value.trim());
    if ($("owner").value) q.set("owner", $("owner").value);
    if ($("status-filter").value) q.set("status", $("status-filter").value);
    const page = await call("/control/shards?" + q);
    const moving = new Map((plan ? plan.changes : []).map((c) => [c.shardId, c.proposedOwner]));
    const body = $("shards");
    body.textContent = "";
    rows = new Map();
    for (const r of page.items) {
      const tr = document.createElement("tr");
      tr.dataset.shard = r.shardId;
      if (moving.has(r.shardId)) tr.className = "moving";
      for (const text of [r.shardId, moving.has(r.shardId) ? r.ownerNodeId + " → " + moving.get(r.shardId) : r.ownerNodeId, r.status, String(r.version)]) {
        const td = document.createElement("td"); td.textContent = text; tr.append(td);
      }
      body.append(tr);
      rows.set(r.shardId, tr);
    }
    $("prev").disabled = cursors.length === 1;
    $("next").disabled = page.nextCursor === null;
    $("next").dataset.cursor = page.nextCursor || "";
    $("page-info").textContent = "page " + cursors.length + (page.items.length === 0 ? " (no shards)" : "");
  }
  const refilter = () => { cursors = [null]; loadPage().catch((e) => status(e.message, true)); };
  let typing = null;
  $("search").oninput = () => { clearTimeout(typing); typing = setTimeout(refilter, 250); };
  $("owner").onchange = refilter;
  $("status-filter").onchange = refilter;
  $("next").onclick = () => { cursors.push($("next").dataset.cursor); loadPage().catch((e) => status(e.message, true)); };
  $("prev").onclick = () => { if (cursors.length > 1) cursors.pop(); loadPage().catch((e) => status(e.message, true)); };
  $("sim-nodes").oninput = () => { $("sim-nodes").dataset.edited = "1"; };

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
      if (d.previous) counts.set(d.previous.ownerNodeId, (counts.get(d.previous.ownerNodeId) || 0) - 1);
      counts.set(d.current.ownerNodeId, (counts.get(d.current.ownerNodeId) || 0) + 1);
      if (plan) plan.changes = plan.changes.filter((c) => c.shardId !== d.current.shardId);
      render();
      const row = rows.get(d.current.shardId);
      if (row) {
        row.className = "changed";
        row.children[1].textContent = d.current.ownerNodeId;
        row.children[2].textContent = d.current.status;
        row.children[3].textContent = String(d.current.version);
      }
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
      cursors = [null];
      await loadPage();
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
      // The preview lists the first moves; the bars show every node's count before and after.
      const shown = plan.changes.slice(0, 500);
      $("moves").textContent = shown.map((c) => c.shardId + ": " + c.currentOwner + " → " + c.proposedOwner).join("\\n") +
        (plan.changes.length > shown.length ? "\\n… and " + (plan.changes.length - shown.length) + " more" : "");
      $("moves").style.whiteSpace = "pre";
      $("apply").disabled = plan.changes.length === 0;
      render();
      await loadPage();
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
