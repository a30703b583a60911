// The Spool dashboard: a small hand-written app over the JSON API under api/.
// Everything from Redis goes into the page as text (textContent, attribute values), never as
// HTML, so a job's arguments cannot inject markup or script.
"use strict";

(function () {
  const CSRF = document.querySelector('meta[name="spool-csrf"]').content;
  const READ_ONLY = document.querySelector('meta[name="spool-read-only"]').content === "true";
  const TOKEN_LOGIN = document.querySelector('meta[name="spool-token-login"]').content === "true";
  const SVG = "http://www.w3.org/2000/svg";
  const main = document.getElementById("main");
  const COUNTS = ["ready", "delayed", "processing", "completed", "dead"];

  // --- DOM helpers: text only.

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }

  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }

  function setAttrs(e, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "onclick") e.addEventListener("click", v);
      else if (k === "onsubmit") e.addEventListener("submit", v);
      else if (k === "onchange") e.addEventListener("change", v);
      else e.setAttribute(k, String(v));
    }
  }

  function append(e, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  // A page redraws itself with fresh data, but not while the user is confirming an action;
  // returns whether it did.
  function show(...children) {
    if (main.querySelector(".asking")) return false;
    main.replaceChildren(...children.flat(Infinity).filter((c) => c));
    return true;
  }

  // Whether data differs from what a page last drew: redrawing the same data every second would
  // undo the user's text selection (a stack trace being copied) for nothing.
  function changed(drawn, data) {
    const json = JSON.stringify(data);
    if (drawn.json === json) return false;
    drawn.json = json;
    return true;
  }

  function text(v) {
    if (v === null || v === undefined) return "";
    return typeof v === "string" ? v : JSON.stringify(v, null, 2);
  }

  function ago(iso) {
    if (!iso) return "";
    const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    const abs = Math.abs(s);
    const n = abs < 60 ? abs + " s" : abs < 3600 ? Math.round(abs / 60) + " min" : abs < 86400 ? Math.round(abs / 3600) + " h" : Math.round(abs / 86400) + " d";
    return s >= 0 ? n + " ago" : "in " + n;
  }

  function when(iso) {
    return iso ? el("time", { datetime: iso, title: iso }, ago(iso)) : el("span", { class: "muted" }, "–");
  }

  // "… ago" goes on counting while the page is not redrawn (its data did not change).
  function refreshTimes() {
    for (const t of main.querySelectorAll("time[datetime]")) {
      const now = ago(t.getAttribute("datetime"));
      if (t.textContent !== now) t.textContent = now;
    }
  }

  // The API's message as a sentence: "kill requested: …" → "Kill requested: …".
  function sentence(message) {
    return message ? message[0].toUpperCase() + message.slice(1) : "";
  }

  function stateBadge(state) {
    return el("span", { class: "state state-" + state }, state);
  }

  function jobLink(id) {
    return el("a", { href: "#/job/" + encodeURIComponent(id), class: "job-link" }, id);
  }

  // --- API

  // A failed request throws an Error with the HTTP status, 0 if the dashboard did not answer.
  async function api(path, options) {
    let res;
    try {
      res = await fetch("api/" + path, Object.assign({ headers: { Accept: "application/json" }, credentials: "same-origin" }, options || {}));
    } catch (e) {
      throw Object.assign(new Error("the dashboard server does not answer"), { status: 0 });
    }
    let body;
    try { body = await res.json(); } catch (e) { body = { error: "HTTP " + res.status }; }
    if (!res.ok) throw Object.assign(new Error(body.error || "HTTP " + res.status), { status: res.status });
    return body;
  }

  // Redis or the dashboard unreachable: what is shown stays, with how old it is (see tick).
  function isOutage(e) {
    return e.status === 503 || e.status === 0;
  }

  // A page's read failed: an outage keeps the data shown (the banner says how old it is) and is
  // thrown on for tick to report; any other error replaces it with the message.
  function failed(e, hasData, display) {
    if (!(isOutage(e) && hasData)) display(notice(e.message, true));
    if (isOutage(e)) throw e;
  }

  function post(path) {
    return api(path, { method: "POST", headers: { "X-Spool-Csrf": CSRF, Accept: "application/json" } });
  }

  function notice(message, isError) {
    return el("div", { class: "notice" + (isError ? " error" : ""), role: "status" }, message);
  }

  // The last action's result, above the page until dismissed or the page changes: a page redraws
  // itself whenever its numbers change, which takes the message beside the button with it (a
  // refusal shown for less than a second is no feedback).
  const flashBox = document.getElementById("flash");

  function flash(message, isError) {
    flashBox.replaceChildren(el("span", { id: "flash-message" }, message),
      el("button", { type: "button", "aria-label": "dismiss", onclick: () => { flashBox.hidden = true; } }, "×"));
    flashBox.classList.toggle("error", Boolean(isError));
    flashBox.hidden = false;
  }

  // A destructive action asks once more, inline (no dialog): the button becomes Yes / No.
  function actionButton(label, action, onDone, danger) {
    const box = el("span", { class: "action" });
    const result = el("span", { class: "result" });
    const button = el("button", { type: "button", "data-action": action.name, class: danger ? "danger" : "primary", onclick: ask }, label);
    box.append(button, result);
    function ask() {
      box.classList.add("asking");
      const yes = el("button", { type: "button", class: "confirm-yes danger", onclick: run }, "Yes, " + label.toLowerCase());
      const no = el("button", { type: "button", class: "confirm-no", onclick: () => { box.classList.remove("asking"); box.replaceChildren(button, result); } }, "No");
      box.replaceChildren(el("span", {}, label + "? "), yes, no, result);
    }
    async function run() {
      box.classList.remove("asking");
      const working = el("span", { class: "muted" }, label + "…");
      box.replaceChildren(working);
      try {
        // An action of several requests says how far it got meanwhile.
        const r = await action.run((sofar) => { working.textContent = label + "… " + sofar; });
        const message = action.done(r);
        const isError = Boolean(action.failed && action.failed(r));
        box.replaceChildren(notice(message, isError));
        flash(message, isError);
        if (onDone) onDone(r);
      } catch (e) {
        box.replaceChildren(button, notice(e.message, true));
        flash(label + ": " + e.message, true);
      }
    }
    return box;
  }

  // --- pictures

  function stackedBar(parts, colors) {
    const total = parts.reduce((a, p) => a + p.value, 0);
    const s = svg("svg", { class: "bar", viewBox: "0 0 100 10", preserveAspectRatio: "none", role: "img" });
    if (total === 0) {
      s.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: 10, fill: "#e5e7eb" }));
      return s;
    }
    let x = 0;
    for (const p of parts) {
      const w = (p.value / total) * 100;
      if (w <= 0) continue;
      s.appendChild(svg("rect", { x: x, y: 0, width: w, height: 10, fill: colors[p.name] }, svg("title", {}, p.name + ": " + p.value)));
      x += w;
    }
    return s;
  }

  const COLORS = { ready: "#2d5be3", delayed: "#b58900", processing: "#7c3aed", completed: "#2e9e5b", dead: "#c62828",
    succeeded: "#2e9e5b", failed: "#c62828", pending: "#d1d5db", open: "#d1d5db" };

  function progressBar(fraction, label) {
    const f = Math.max(0, Math.min(1, Number(fraction) || 0));
    const s = svg("svg", { class: "bar progress", viewBox: "0 0 100 10", preserveAspectRatio: "none", role: "img", "aria-label": label || Math.round(f * 100) + "%" });
    s.append(svg("rect", { x: 0, y: 0, width: 100, height: 10, fill: "#e5e7eb" }), svg("rect", { x: 0, y: 0, width: f * 100, height: 10, fill: COLORS.completed }));
    return s;
  }

  function throughputChart(history) {
    const W = 600, H = 160, P = 24;
    const s = svg("svg", { class: "chart", viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", role: "img", "aria-label": "throughput per minute" });
    s.appendChild(svg("line", { x1: P, y1: H - P, x2: W, y2: H - P, stroke: "#9ca3af" }));
    s.appendChild(svg("line", { x1: P, y1: 0, x2: P, y2: H - P, stroke: "#9ca3af" }));
    if (!history.available || history.minutes.length === 0) {
      return el("p", { class: "muted empty-chart" }, "No throughput yet: no queue in this namespace.");
    }
    const ms = history.minutes;
    const max = Math.max(1, ...ms.map((m) => m.succeeded + m.failed));
    const step = (W - P) / ms.length;
    ms.forEach((m, i) => {
      const hs = ((H - P) * m.succeeded) / max, hf = ((H - P) * m.failed) / max;
      s.appendChild(svg("rect", { x: P + i * step, y: H - P - hs, width: Math.max(1, step - 1), height: hs, fill: COLORS.completed }, svg("title", {}, m.minute + ": " + m.succeeded + " succeeded")));
      s.appendChild(svg("rect", { x: P + i * step, y: H - P - hs - hf, width: Math.max(1, step - 1), height: hf, fill: COLORS.failed }, svg("title", {}, m.minute + ": " + m.failed + " failed")));
    });
    // The scale is HTML over the chart: text inside the stretched SVG would be stretched too.
    return el("div", { class: "chart-box" }, s, el("span", { class: "chart-scale" }, String(max) + "/min"));
  }

  // How long a queue's longest-waiting ready job has waited: "40 ms", "3.4 s", "12 min 5 s", "2 h 3 min".
  function waited(ms) {
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    const m = Math.floor(ms / 60000);
    if (m < 60) return m + " min " + Math.floor((ms % 60000) / 1000) + " s";
    return Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  function latencyCell(ready, ms) {
    return el("td", { class: "num latency", title: "how long the longest-waiting ready job has waited" },
      ready ? waited(ms) : el("span", { class: "muted" }, "–"));
  }

  function duration(ms) {
    return ms % 86400000 === 0 ? ms / 86400000 + " d" : ms % 3600000 === 0 ? ms / 3600000 + " h" : ms % 60000 === 0 ? ms / 60000 + " min" : ms % 1000 === 0 ? ms / 1000 + " s" : ms + " ms";
  }

  // A queue's pause state and limits, and Pause / Resume (asking once more, like every action).
  function queueControls(q, onDone) {
    const limits = [];
    if (q.concurrencyLimit) limits.push("≤ " + q.concurrencyLimit + " at once");
    if (q.rateLimit) limits.push(q.rateLimit.max + " per " + duration(q.rateLimit.perMillis));
    const action = q.paused ? "resume" : "pause";
    return [
      q.paused ? el("span", { class: "state state-failed", "data-paused": "true" }, "paused") : null,
      limits.length ? el("span", { class: "muted limits" }, " " + limits.join(", ") + " ") : null,
      READ_ONLY ? null : actionButton(q.paused ? "Resume" : "Pause", {
        name: action,
        // By query: a queue named "." or ".." would not survive as a path segment.
      run: () => post("queues/" + action + "?" + new URLSearchParams({ queue: q.queue }).toString()),
        // The page shows pause states up to 10 s old: say when someone else got there first.
        done: (r) => r.queue + (r.paused ? (r.changed ? " paused" : " was paused already") : (r.changed ? " resumed" : " was running already")),
      }, () => setTimeout(onDone, 300), !q.paused),
      // Removes the waiting jobs (ended as cancelled); running and scheduled ones stay.
      READ_ONLY || !q.ready ? null : actionButton("Drain", {
        name: "drain",
        run: () => post("queues/drain?" + new URLSearchParams({ queue: q.queue }).toString()),
        done: (r) => r.queue + ": " + r.drained + " waiting jobs removed",
      }, () => setTimeout(onDone, 300), true),
      // The same with the scheduled jobs too (delayed, waiting for a retry): BullMQ's drain(true).
      READ_ONLY || !q.delayed ? null : actionButton("Drain with scheduled", {
        name: "drain-scheduled",
        run: () => post("queues/drain?" + new URLSearchParams({ queue: q.queue, scheduled: "true" }).toString()),
        done: (r) => r.queue + ": " + r.drained + " waiting and scheduled jobs removed",
      }, () => setTimeout(onDone, 300), true),
    ];
  }

  // A live node's Quiet / Resume: a quiet node fetches no new jobs and runs what it holds.
  function nodeControls(n, onDone) {
    if (!n.alive) return null;
    const action = n.quiet ? "resume" : "quiet";
    return [
      n.quiet ? el("span", { class: "state state-scheduled", "data-quiet": "true" }, "quiet") : null,
      READ_ONLY ? null : actionButton(n.quiet ? "Resume" : "Quiet", {
        name: action,
        run: () => post("nodes/" + action + "?" + new URLSearchParams({ node: n.name }).toString()),
        done: (r) => r.node + (r.action === "quiet" ? " quiet" : r.changed ? " resumed" : " was not quiet"),
      }, () => setTimeout(onDone, 300), !n.quiet),
    ];
  }

  // --- pages

  const pages = {};
  let current = null; // { refresh: async fn, everyMs }

  pages.overview = async function () {
    let throughput = { available: false, minutes: [] };
    let throughputAt = 0;
    const drawn = {};
    async function refresh() {
      const o = await api("overview");
      // The chart's counters change by the minute: reading them every 15 s is plenty.
      if (Date.now() - throughputAt > 15000) {
        throughput = await api("throughput");
        throughputAt = Date.now();
      }
      if (!changed(drawn, [o, throughput])) return;
      const rows = o.queues.map((q) =>
        el("tr", { "data-queue": q.queue },
          el("td", {}, el("a", { href: "#/jobs?queue=" + encodeURIComponent(q.queue) }, q.queue)),
          COUNTS.map((c) => el("td", { class: "num " + c }, q[c])),
          latencyCell(q.ready, q.latencyMs),
          el("td", { class: "hide-narrow", style: null }, stackedBar(COUNTS.map((c) => ({ name: c, value: q[c] })), COLORS)),
          el("td", { class: "controls" }, queueControls(q, refresh))));
      const totals = el("tr", { class: "totals" }, el("th", {}, "all"), COUNTS.map((c) => el("td", { class: "num " + c }, o.totals[c])), latencyCell(o.totals.ready, o.totals.latencyMs), el("td", { class: "hide-narrow" }), el("td", {}));
      const nodes = o.nodes.map((n) =>
        el("tr", { "data-node": n.name },
          el("td", {}, n.name, n.alive ? null : el("span", { class: "state state-failed" }, "dead")),
          el("td", { class: "hide-narrow" }, n.host + " (pid " + n.pid + ")"),
          el("td", {}, n.queues.join(", ")),
          // A dead node runs nothing, whatever its last heartbeat said.
          el("td", { class: "num busy" }, n.alive ? n.busy + " / " + n.concurrency : el("span", { class: "muted" }, "not running")),
          el("td", {}, progressBar(n.alive && n.concurrency ? n.busy / n.concurrency : 0, n.alive ? n.busy + " busy of " + n.concurrency : "not running")),
          el("td", {}, when(n.lastHeartbeat)),
          el("td", {}, n.jobs.length ? n.jobs.slice(0, 20).map((id) => [jobLink(id), " "]) : el("span", { class: "muted" }, "idle"),
            n.jobs.length > 20 ? " +" + (n.jobs.length - 20) + " more" : null),
          el("td", { class: "controls" }, nodeControls(n, refresh))));
      if (!show(
        el("h1", {}, "Overview"),
        el("section", { class: "card" },
          el("h2", {}, "Queues"),
          el("div", { class: "legend" }, COUNTS.map((c) => el("span", { class: c }, c))),
          o.queues.length === 0 ? el("p", { class: "muted" }, "No queues in this namespace yet.") :
            el("div", { class: "scroll" }, el("table", { id: "queues" },
              el("thead", {}, el("tr", {}, el("th", {}, "queue"), COUNTS.map((c) => el("th", { class: "num" }, c)), el("th", { class: "num" }, "latency"), el("th", { class: "hide-narrow" }, ""), el("th", {}, "controls"))),
              el("tbody", {}, rows, o.queues.length > 1 ? totals : null)))),
        el("section", { class: "card" },
          el("h2", {}, "Throughput, last hour"),
          el("div", { class: "legend" }, el("span", { class: "completed" }, "succeeded"), el("span", { class: "failed" }, "failed")),
          throughputChart(throughput)),
        el("section", { class: "card" },
          el("h2", {}, "Nodes"),
          o.nodes.length === 0 ? el("p", { class: "muted" }, "No worker nodes.") :
            el("div", { class: "scroll" }, el("table", { id: "nodes" },
              el("thead", {}, el("tr", {}, ["node", "host", "queues", "busy", "load", "heartbeat", "running", "controls"].map((h) => el("th", { class: h === "host" ? "hide-narrow" : null }, h)))),
              el("tbody", {}, nodes)))))) drawn.json = null;
    }
    await refresh();
    return { refresh: refresh };
  };

  const STATES = ["queued", "scheduled", "started", "succeeded", "failed", "killed", "unqueued", "completed", "incomplete"];
  const STAMPS = ["recorded_at", "scheduled_at", "queued_at", "started_at", "succeeded_at", "failed_at", "killed_at"];

  // The query strings of a keyset page's two links: "older" goes on from the page's cursor and
  // counts the jobs shown before it; "newest" starts again from the top.
  function keysetLinks(params, page, shown) {
    const older = new URLSearchParams(params);
    older.set("cursor", page.next || "");
    older.set("shown", shown + page.jobs.length);
    const newest = new URLSearchParams(params);
    newest.delete("cursor");
    newest.delete("shown");
    return { older, newest };
  }

  pages.jobs = async function (params) {
    const limit = 50;
    // Keyset pages: "older" carries the next page's cursor, and how many jobs came before it.
    const cursor = params.get("cursor");
    const shown = Number(params.get("shown") || 0);
    let countCursor = null; // a count still in progress goes on from here on the next poll
    // The last complete count, shown until a count begun later completes: a count of millions
    // takes several polls, and starting one on each refresh showed "≥ 12000" climbing for ever.
    let counted = null;
    let countedStamp; // the data stamp when the count in hand (or in progress) began
    let recount = false; // an action on this page changed the jobs
    const query = new URLSearchParams();
    for (const k of ["state", "queue", "name", "arg", "batch", "timestamp", "from", "to"]) {
      for (const v of params.getAll(k)) if (v) query.append(k, v);
    }
    // A filter as the form shows it: repeated or comma-separated values, comma-separated.
    const shownValue = (k) => params.getAll(k).filter((v) => v).join(",");
    const drawn = {};
    const form = el("form", { class: "filters", onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      for (const [k, v] of new FormData(form).entries()) if (String(v).trim()) q.set(k, String(v).trim());
      location.hash = "#/jobs?" + q.toString();
    } },
      el("label", { title: "Any of these states, comma-separated: " + STATES.join(", ") }, "state",
        el("input", { name: "state", list: "job-states", placeholder: "any, or e.g. queued,started", value: shownValue("state") }),
        el("datalist", { id: "job-states" }, STATES.map((s) => el("option", { value: s })))),
      el("label", {}, "queue", el("input", { name: "queue", value: shownValue("queue") })),
      el("label", {}, "job name", el("input", { name: "name", value: shownValue("name") })),
      el("label", { title: "Matches a value of the job args a job indexed (JobStatus.jobArgs, shown on the job page as \"Job args (indexed)\"), not the text of its arguments" }, "indexed job arg",
        el("input", { name: "arg", placeholder: "a jobArgs value", value: shownValue("arg") })),
      el("label", { title: "The parts of a batch, whatever their queue" }, "batch id",
        el("input", { name: "batch", placeholder: "queue:token", value: shownValue("batch") })),
      el("label", {}, "time of", el("select", { name: "timestamp" },
        el("option", { value: "", selected: !params.get("timestamp") }, "recorded_at (default)"),
        STAMPS.map((s) => el("option", { value: s, selected: params.get("timestamp") === s }, s)))),
      el("label", {}, "from (ISO)", el("input", { name: "from", placeholder: "2026-11-29T08:00:00Z", value: params.get("from") || "" })),
      el("label", {}, "to (ISO)", el("input", { name: "to", value: params.get("to") || "" })),
      el("button", { type: "submit", class: "primary" }, "Search"));
    const listing = el("div", {});
    const bulk = el("div", { class: "actions" });
    // Per bulk action, where its next press goes on (the answer's next) while more may match.
    const bulkNext = {};
    // stamp: the data stamp, when the refresh comes from a look at it (see tick).
    async function load(stamp) {
      if (main.querySelector(".asking")) return;
      // Counted again only when the data changed since the count in hand began, or after an
      // action here; otherwise the page is read without a count.
      const starting = countCursor === null && (counted === null || recount || (stamp !== undefined && stamp !== countedStamp));
      const counting = countCursor !== null || starting;
      const q = new URLSearchParams(query);
      if (cursor) q.set("cursor", cursor);
      if (countCursor) q.set("countCursor", countCursor);
      if (!counting) q.set("count", "false");
      q.set("limit", limit);
      let page;
      try {
        page = await api("jobs?" + q.toString());
      } catch (e) {
        failed(e, drawn.json, (n) => { drawn.json = null; listing.replaceChildren(n); bulk.replaceChildren(); });
        return;
      }
      if (starting) {
        countedStamp = stamp;
        recount = false;
      }
      if (counting) {
        countCursor = page.countCursor;
        if (page.totalComplete) counted = { total: page.total, display: page.totalDisplay };
      }
      // The count in hand, or the one in progress while there is none or it has gone past it.
      const count = counting && !page.totalComplete && (counted === null || page.total > counted.total) ?
        { total: page.total, display: page.totalDisplay, complete: false } :
        { total: counted.total, display: counted.display, complete: true };
      if (!changed(drawn, [page.jobs, page.next, count])) return;
      const rows = page.jobs.map((j) =>
        el("tr", { "data-id": j.id },
          el("td", {}, jobLink(j.id)),
          el("td", {}, stateBadge(j.state), j.killRequested ? el("span", { class: "muted" }, " kill requested") : null),
          el("td", {}, j.name || ""),
          el("td", { class: "args" }, j.args || ""),
          el("td", { class: "hide-narrow" }, j.progress > 0 ? progressBar(j.progress) : null),
          el("td", { class: "error hide-narrow" }, j.lastError || ""),
          el("td", {}, when(j.updatedAt))));
      const { older, newest } = keysetLinks(params, page, shown);
      const pager = el("div", { class: "pager" },
        cursor ? el("a", { href: "#/jobs?" + newest.toString() }, "← newest") : null,
        el("span", { class: "muted", id: "jobs-range" }, page.jobs.length === 0 ? (cursor ? "no more jobs" : "no jobs match") : (shown + 1) + "–" + (shown + page.jobs.length) + " of " + count.display),
        page.next && page.jobs.length > 0 ? el("a", { href: "#/jobs?" + older.toString(), id: "jobs-older" }, "older →") : null);
      listing.replaceChildren(
        el("div", { class: "scroll" }, el("table", { id: "jobs" },
          el("thead", {}, el("tr", {}, ["id", "state", "job", "arguments", "progress", "last error", "updated"].map((h) => el("th", { class: h === "progress" || h === "last error" ? "hide-narrow" : null }, h)))),
          el("tbody", {}, rows))),
        pager);
      if (!READ_ONLY && count.total > 0) {
        const more = count.total > 1000 || !count.complete ? " (1000 at a time: repeat to go on)" : "";
        bulk.replaceChildren(el("span", { class: "muted" }, "All " + count.display + " matching" + more + ":"),
          ...["retry", "kill", "delete"].map((a) => actionButton(a[0].toUpperCase() + a.slice(1) + " all", {
            name: "bulk-" + a,
            run: () => {
              const q = new URLSearchParams(query);
              if (bulkNext[a]) q.set("cursor", bulkNext[a]);
              return post("jobs/bulk/" + a + "?" + q.toString());
            },
            done: (r) => r.changed + " of " + r.examined + " examined " + (a === "retry" ? "retried" : a === "kill" ? "killed" : "deleted") +
              (r.held ? "; " + r.held + " left dead: another job holds its unique lock" : "") +
              (r.more ? "; more may match: pressing it again goes on with older ones" : ""),
          }, (r) => {
            // A repeat goes on after the jobs this one examined; after the last, it starts again.
            bulkNext[a] = r.more ? r.next : null;
            recount = true;
            load();
          }, true)));
      } else {
        bulk.replaceChildren();
      }
    }
    show(el("h1", {}, "Jobs"), el("section", { class: "card" }, form), el("section", { class: "card" }, bulk, listing));
    await load();
    // While the count is partial ("≥ N") every poll goes on with it, changed or not.
    return { refresh: load, onChange: true, pending: () => countCursor !== null };
  };

  // A job's log as its page shows it: first the newest lines, then at each refresh only the lines
  // added since (by position: api/jobs/<id>/log?from=), never the whole log again; a log holds up
  // to 1 000 lines of 2 000 characters. Lines are appended to one box drawn once, which keeps the
  // newest LOG_SHOWN, so a redraw of the job neither rebuilds nor unselects a long log.
  const LOG_SHOWN = 1000;
  const LOG_PAGE = 200;

  function jobLog(id) {
    const box = el("pre", { id: "job-log" });
    const note = el("p", { class: "muted", id: "job-log-note" });
    const section = el("section", { class: "card", id: "job-log-card", hidden: true }, el("h2", {}, "Log"), note, box);
    let next = null; // the position of the next line to read; null before the first read
    async function read() {
      const q = new URLSearchParams({ limit: LOG_PAGE });
      if (next !== null) q.set("from", next);
      const page = await api("jobs/" + encodeURIComponent(id) + "/log?" + q.toString());
      if (next === null || page.from < next) {
        box.replaceChildren(); // the first read, or the log was deleted and begun again
      } else if (page.from > next) {
        box.append(el("div", { class: "muted log-gap" }, "… " + (page.from - next) + " lines dropped before they were read …"));
      }
      for (const [i, l] of page.lines.entries()) {
        box.append(el("div", { class: "log-line", "data-pos": page.from + i }, el("span", { class: "muted" }, l.at + " #" + l.attempt + "  "), l.message));
      }
      while (box.childElementCount > LOG_SHOWN) box.firstElementChild.remove();
      next = page.next;
      const first = box.querySelector(".log-line");
      const firstPos = first ? Number(first.dataset.pos) : page.from;
      note.textContent = firstPos > 0 ? "Lines from " + (firstPos + 1) + " of " + page.added + ": older ones are not shown here (a job keeps its newest 1 000)." : "";
      section.hidden = page.added === 0;
    }
    return { section: section, read: read };
  }

  pages.job = async function (params, id) {
    const drawn = {};
    const log = jobLog(id);
    let ended = false;
    async function refresh() {
      let j;
      try {
        j = await api("jobs/" + encodeURIComponent(id));
      } catch (e) {
        failed(e, drawn.json, (n) => { drawn.json = null; ended = false; show(el("h1", {}, "Job " + id), n); });
        return;
      }
      ended = ["succeeded", "failed", "killed"].includes(j.state);
      // An ended job's log grows only once it runs again, which changes the job too.
      if (!ended || drawn.json !== JSON.stringify(j)) await log.read();
      if (!changed(drawn, j)) return;
      const kv = (k, v) => [el("dt", {}, k), el("dd", { "data-field": k }, v)];
      const actions = el("div", { class: "actions", id: "job-actions" });
      if (!READ_ONLY) {
        const labels = { retry: "Retry", kill: "Kill", cancel: "Cancel", delete: "Delete", "run-now": "Run now" };
        for (const a of j.actions) {
          actions.append(actionButton(labels[a], { name: a, run: () => post("jobs/" + encodeURIComponent(id) + "/" + a), done: (r) => sentence(r.message) }, () => setTimeout(refresh, 300), a !== "retry" && a !== "run-now"));
        }
      }
      const errors = j.errors.map((e, i) =>
        el("li", { class: "job-error" },
          el("strong", {}, e && e.type ? e.type : "error " + (i + 1)),
          e && e.message !== undefined ? el("div", { class: "error-message" }, text(e.message)) : el("pre", {}, text(e)),
          e && e.attempt !== undefined ? el("div", { class: "muted" }, "attempt " + e.attempt + (e.node ? " on " + e.node : "")) : null,
          e && e.stack ? el("pre", { class: "stack" }, Array.isArray(e.stack) ? e.stack.join("\n") : text(e.stack)) : null));
      const attempts = j.previousAttempts.map((a) =>
        el("tr", {}, el("td", { class: "num" }, a.attempt), el("td", {}, text(a.state)), el("td", { class: "error" }, (a.errors || []).map((e) => (e && e.message) || text(e)).join("; "))));
      if (!show(
        el("h1", {}, "Job ", el("span", { id: "job-id" }, j.id)),
        el("section", { class: "card" },
          el("div", { class: "actions" }, el("span", { id: "job-state", "data-state": j.state }, stateBadge(j.state)), j.killRequested ? el("span", {}, "kill requested") : null),
          actions,
          el("dl", { class: "kv" },
            kv("job", j.name || ""),
            kv("queue", el("a", { href: "#/jobs?queue=" + encodeURIComponent(j.queue) }, j.queue)),
            kv("attempt", j.attempt),
            kv("progress", el("span", {}, progressBar(j.progress), Math.round(j.progress * 1000) / 10 + "%")),
            kv("node", j.node || "–"),
            j.affinity ? kv("affinity", text(j.affinity)) : null,
            j.priority ? kv("priority", j.priority) : null,
            j.dueAt ? kv("due", when(j.dueAt)) : null,
            kv("unique lock", j.uniqueLock || "–"),
            kv("batch", j.batch && j.batch.id ? el("span", {}, el("a", { href: "#/batches?id=" + encodeURIComponent(j.batch.id) }, j.batch.id), " part " + j.batch.part) : "–"),
            Object.entries(j.timestamps).filter(([, v]) => v).map(([k, v]) => kv(k, el("span", {}, when(v), " ", el("span", { class: "muted" }, v)))))),
        el("section", { class: "card" }, el("h2", {}, "Arguments"), el("pre", { id: "job-args" }, text(j.args)),
          Object.keys(j.jobArgs).length ? [el("h2", {}, "Job args (indexed)"), el("pre", {}, text(j.jobArgs))] : null,
          j.options ? [el("h2", {}, "Options"), el("pre", {}, text(j.options))] : null,
          j.data !== null ? [el("h2", {}, "Data"), el("pre", {}, text(j.data))] : null,
          Object.keys(j.result).length ? [el("h2", {}, "Result"), el("pre", {}, text(j.result))] : null),
        el("section", { class: "card" }, el("h2", {}, "Errors"), errors.length ? el("ol", { id: "job-errors" }, errors) : el("p", { class: "muted" }, "none")),
        log.section,
        attempts.length ? el("section", { class: "card" }, el("h2", {}, "Previous attempts"), el("div", { class: "scroll" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { class: "num" }, "attempt"), el("th", {}, "state"), el("th", {}, "errors"))), el("tbody", {}, attempts)))) : null)) drawn.json = null;
    }
    await refresh();
    // A waiting or running job's page re-reads its one status each second: one round trip. An
    // ended one changes only by an action (retry, delete), so it is re-read like a list: when the
    // stamp changes, and every few seconds.
    return { refresh: refresh, onChange: () => ended };
  };

  pages.dead = async function (params) {
    const queue = params.get("queue") || "";
    const mine = generation;
    // Retry all / Purge all: each request does about a thousand dead jobs (whole queues, in name
    // order) and says where the next goes on; repeated until no queue is left, or the page is left.
    function deadSweep(action, done) {
      return {
        name: "dead-" + action,
        run: async (progress) => {
          const total = { count: 0, failed: [], more: false };
          let cursor = null;
          do {
            const q = new URLSearchParams();
            if (queue) q.set("queue", queue);
            if (cursor) q.set("cursor", cursor);
            let r;
            try {
              r = await post("dead/" + action + (q.toString() ? "?" + q.toString() : ""));
            } catch (e) {
              if (total.count) e.message += " (after " + total.count + " " + done + ")";
              throw e;
            }
            total.count += r.count;
            total.failed.push(...r.failed.map((f) => f.queue));
            total.more = r.more;
            cursor = r.next;
            if (r.more) progress(total.count + " " + done + " so far");
          } while (total.more && mine === generation);
          return total;
        },
        done: (t) => t.count + " " + done + (t.failed.length ? "; failed in " + t.failed.join(", ") + " (the server's log says why)" : ""),
        failed: (t) => t.failed.length > 0,
      };
    }
    // Pages by cursor, as the jobs page: "older" carries the next page's cursor and how many came
    // before it; a deep page costs what the first does.
    const cursor = params.get("cursor");
    const shown = Number(params.get("shown") || 0);
    const drawn = {};
    async function load() {
      const q = new URLSearchParams({ limit: 50 });
      if (queue) q.set("queue", queue);
      if (cursor) q.set("cursor", cursor);
      let page;
      try { page = await api("dead?" + q.toString()); } catch (e) { failed(e, drawn.json, (n) => { drawn.json = null; show(el("h1", {}, "Dead jobs"), n); }); return; }
      if (!changed(drawn, page)) return;
      const rows = page.jobs.map((j) =>
        el("tr", { "data-id": j.id },
          el("td", {}, jobLink(j.id)), el("td", {}, j.type), el("td", { class: "num" }, j.attempt),
          el("td", {}, when(j.diedAt)), el("td", { class: "args hide-narrow" }, j.args || ""), el("td", { class: "error" }, j.error || ""),
          el("td", {}, READ_ONLY ? null : actionButton("Retry", { name: "retry", run: () => post("jobs/" + encodeURIComponent(j.id) + "/retry"), done: () => "retried" }, null, false))));
      const { older, newest } = keysetLinks(params, page, shown);
      if (!show(
        el("h1", {}, "Dead jobs", queue ? " of " + queue : ""),
        el("section", { class: "card" },
          el("div", { class: "actions" }, el("span", { class: "muted" }, page.total + " dead"),
            READ_ONLY || page.total === 0 ? null : [
              actionButton("Retry all", deadSweep("retry", "retried"), () => setTimeout(load, 300), true),
              actionButton("Purge all", deadSweep("purge", "purged"), () => setTimeout(load, 300), true)]),
          page.jobs.length === 0 ? el("p", { class: "muted" }, "No dead jobs.") :
            el("div", { class: "scroll" }, el("table", { id: "dead" },
              el("thead", {}, el("tr", {}, ["id", "type", "attempt", "died", "arguments", "last error", ""].map((h) => el("th", { class: h === "arguments" ? "hide-narrow" : null }, h)))),
              el("tbody", {}, rows))),
          el("div", { class: "pager" },
            cursor ? el("a", { href: "#/dead?" + newest.toString() }, "← newest") : null,
            page.jobs.length ? el("span", { class: "muted", id: "dead-range" }, (shown + 1) + "–" + (shown + page.jobs.length) + " of " + page.total) : null,
            page.next && page.jobs.length > 0 ? el("a", { href: "#/dead?" + older.toString(), id: "dead-older" }, "older →") : null)))) drawn.json = null;
    }
    await load();
    return { refresh: load, onChange: true };
  };

  // Where a recurring job's ticks run, and at what priority: "only node-1, not node-2 · priority 5".
  function runsOn(j) {
    const where = [];
    if (j.node) where.push((j.strictNode ? "only " : "") + j.node);
    if (j.notNode) where.push("not " + j.notNode);
    const text = where.length ? where.join(", ") : "any node";
    return j.priority ? text + " · priority " + j.priority : text;
  }

  pages.recurring = async function () {
    const drawn = {};
    async function load() {
      const r = await api("recurring");
      if (!changed(drawn, r)) return;
      // Names by query: "." or ".." would not survive in the path (the browser resolves them).
      const named = (action, name) => "recurring/" + action + "?" + new URLSearchParams({ name: name }).toString();
      const rows = r.recurring.map((j) =>
        el("tr", { "data-name": j.name },
          el("td", {}, j.name), el("td", {}, j.schedule), el("td", {}, j.type), el("td", {}, j.queue),
          el("td", { class: "runs-on" }, runsOn(j)),
          el("td", {}, when(j.lastRun)), el("td", {}, when(j.nextRun)), el("td", { class: "args hide-narrow" }, j.args || ""),
          el("td", {}, READ_ONLY ? null : [
            actionButton("Trigger now", { name: "trigger-recurring", run: () => post(named("trigger", j.name)), done: () => "triggered" }, () => setTimeout(load, 300), false),
            actionButton("Cancel", { name: "cancel-recurring", run: () => post(named("cancel", j.name)), done: () => "cancelled" }, () => setTimeout(load, 300), true)])));
      if (!show(el("h1", {}, "Recurring jobs"),
        el("section", { class: "card" },
          r.recurring.length === 0 ? el("p", { class: "muted" }, "No recurring jobs.") :
            el("div", { class: "scroll" }, el("table", { id: "recurring" },
              el("thead", {}, el("tr", {}, ["name", "schedule", "job", "queue", "runs on", "last run", "next run", "arguments", ""].map((h) => el("th", { class: h === "arguments" ? "hide-narrow" : null }, h)))),
              el("tbody", {}, rows)))))) drawn.json = null;
    }
    await load();
    return { refresh: load, onChange: true };
  };

  const PARTS_PAGE = 50;

  pages.batches = async function (params) {
    const id = params.get("id") || "";
    const cursor = params.get("cursor");
    const shown = Number(params.get("shown") || 0);
    const token = params.get("token") || "";
    const out = el("div", {});
    const form = el("form", { class: "filters", onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      for (const [k, v] of new FormData(form).entries()) if (String(v).trim()) q.set(k, String(v).trim());
      location.hash = "#/batches?" + q.toString();
    } },
      el("label", {}, "batch id (queue:token)", el("input", { name: "id", value: id })),
      el("label", {}, "or distributed job token", el("input", { name: "token", value: token })),
      el("button", { type: "submit", class: "primary" }, "Show"));
    const drawn = {};
    async function load() {
      try {
        if (id) {
          // The progress, and one page of its parts (any queue), newest first, by cursor as the
          // jobs page: a batch of 100 000 parts is never read whole, nor counted (its total is).
          const q = new URLSearchParams({ batch: id, count: "false", limit: PARTS_PAGE });
          if (cursor) q.set("cursor", cursor);
          const [b, parts] = await Promise.all([api("batches/" + encodeURIComponent(id)), api("jobs?" + q.toString())]);
          if (!changed(drawn, [b, parts.jobs, parts.next])) return;
          const rows = parts.jobs.map((j) =>
            el("tr", { "data-id": j.id },
              el("td", {}, jobLink(j.id)),
              el("td", {}, stateBadge(j.state), j.killRequested ? el("span", { class: "muted" }, " kill requested") : null),
              el("td", {}, j.name || ""),
              el("td", { class: "error hide-narrow" }, j.lastError || ""),
              el("td", {}, when(j.updatedAt))));
          const { older, newest } = keysetLinks(params, parts, shown);
          out.replaceChildren(el("h2", {}, "Batch " + b.id),
            stackedBar([{ name: "succeeded", value: b.succeeded }, { name: "failed", value: b.failed }, { name: "pending", value: b.pending }], COLORS),
            el("dl", { class: "kv" }, ["total", "succeeded", "failed", "pending", "finished", "stopped"].map((k) => [el("dt", {}, k), el("dd", {}, String(b[k]))])),
            el("h2", {}, "Parts"),
            parts.jobs.length === 0 ? el("p", { class: "muted", id: "parts-range" }, cursor ? "No more parts." : "No part has a status (past retention, or none enqueued).") :
              el("div", { class: "scroll" }, el("table", { id: "parts" },
                el("thead", {}, el("tr", {}, ["id", "state", "job", "last error", "updated"].map((h) => el("th", { class: h === "last error" ? "hide-narrow" : null }, h)))),
                el("tbody", {}, rows))),
            el("div", { class: "pager" },
              cursor ? el("a", { href: "#/batches?" + newest.toString() }, "← newest") : null,
              parts.jobs.length ? el("span", { class: "muted", id: "parts-range" }, (shown + 1) + "–" + (shown + parts.jobs.length) + " of " + b.total + " parts") : null,
              parts.next && parts.jobs.length > 0 ? el("a", { href: "#/batches?" + older.toString(), id: "parts-older" }, "older →") : null),
            el("p", {}, el("a", { href: "#/jobs?" + new URLSearchParams({ batch: id }).toString(), id: "parts-jobs" }, "its parts on the jobs page"), el("span", { class: "muted" }, " (filters, bulk retry, kill, delete)")));
        } else if (token) {
          const d = await api("distributed/" + encodeURIComponent(token));
          if (!changed(drawn, d)) return;
          out.replaceChildren(el("h2", {}, "Distributed job " + d.token),
            stackedBar([{ name: "succeeded", value: d.total - d.open }, { name: "open", value: d.open }], COLORS),
            el("dl", { class: "kv" }, ["total", "open", "finished", "stopped"].map((k) => [el("dt", {}, k), el("dd", {}, String(d[k]))])),
            el("h2", {}, "Open parts" + (d.open > d.openParts.length ? " (first " + d.openParts.length + ")" : "")), el("p", {}, d.openParts.join(", ") || "none"));
        } else {
          out.replaceChildren(el("p", { class: "muted" }, "Batches and distributed jobs are looked up by id: a job page links to its batch."));
        }
      } catch (e) {
        failed(e, drawn.json, (n) => { drawn.json = null; out.replaceChildren(n); });
      }
    }
    show(el("h1", {}, "Batches and distributed jobs"), el("section", { class: "card" }, form), el("section", { class: "card" }, out));
    await load();
    return { refresh: load, onChange: true };
  };

  // --- routing and live updates: one request a second per open page.

  // Lists re-read when the stamp changes, and at least this often: a job cancelled, deleted or
  // purged elsewhere, or a recurring job's next run, does not always change the stamp.
  const LIST_REFRESH_MS = 5000;

  const live = document.getElementById("live");
  const outage = document.getElementById("outage");
  let lastStamp = null;
  let generation = 0;
  let lastGoodAt = null; // when the page's data was last known to be current
  let ticking = false;
  let sessionRead = false;

  // A page's refresh, remembering when it last succeeded and whether the last one failed.
  function tracked(page) {
    const t = { onChange: page.onChange, pending: page.pending, refreshedAt: Date.now(), failed: false };
    t.refresh = async function (stamp) {
      try {
        await page.refresh(stamp);
        t.failed = false;
        t.refreshedAt = Date.now();
      } catch (e) {
        t.failed = true;
        throw e;
      }
    };
    return t;
  }

  function clock(d) {
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
  }

  function connected() {
    lastGoodAt = new Date();
    live.classList.remove("stale");
    live.textContent = "live";
    outage.hidden = true;
  }

  // What is shown stays, and the banner says since when it is not current.
  function disconnected(e) {
    const what = e.status === 503 ? "Redis unreachable" : e.status === 0 ? "Dashboard server unreachable" : "Update failed (" + e.message + ")";
    live.classList.add("stale");
    live.textContent = "stale";
    outage.textContent = what + " — " + (lastGoodAt ? "numbers from " + clock(lastGoodAt) : "nothing loaded yet") + "; retrying every second";
    outage.hidden = false;
  }

  async function readSession() {
    try {
      const s = await api("session");
      document.getElementById("namespace").textContent = "namespace " + s.namespace;
      return true;
    } catch (e) {
      return false;
    }
  }

  async function route() {
    const mine = ++generation;
    current = null;
    lastStamp = null;
    lastGoodAt = null;
    main.replaceChildren(el("p", { class: "muted", id: "loading" }, "Loading…"));
    flashBox.hidden = true; // an action's result belongs to the page it was taken on
    const hash = location.hash.replace(/^#\/?/, "");
    const [path, query] = hash.split("?");
    let name, arg, params;
    try {
      params = new URLSearchParams(query || "");
      const parts = path.split("/");
      name = pages[parts[0]] ? parts[0] : "overview";
      arg = parts.length > 1 ? decodeURIComponent(parts.slice(1).join("/")) : null;
    } catch (e) {
      show(el("h1", {}, "Malformed address"),
        notice("The address after # cannot be read (" + e.message + "): " + location.hash + ". Check the link, or go to the overview.", true));
      return;
    }
    for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === (name === "job" ? "jobs" : name));
    async function load() {
      const page = await pages[name](params, arg);
      if (mine === generation) {
        current = tracked(page);
        connected();
      }
    }
    try {
      await load();
    } catch (e) {
      if (mine !== generation) return;
      if (document.getElementById("loading")) show(notice(e.message, true));
      disconnected(e);
      // Opened while Redis is down: the page is built again each second until it loads.
      const retry = tracked({ refresh: load });
      retry.failed = true;
      current = retry;
    }
  }

  async function tick() {
    if (document.hidden || ticking) return;
    refreshTimes();
    if (!sessionRead) sessionRead = await readSession();
    const page = current;
    if (!page) return;
    ticking = true; // a slow answer is not asked for again before it comes
    try {
      const onChange = typeof page.onChange === "function" ? page.onChange() : page.onChange;
      if (page.failed || (page.pending && page.pending()) || !onChange) {
        await page.refresh();
      } else {
        // Lists re-read when the shared overview's stamp changed, or every LIST_REFRESH_MS.
        const s = await api("live");
        const due = Date.now() - page.refreshedAt >= LIST_REFRESH_MS;
        if ((lastStamp !== null && s.stamp !== lastStamp) || due) await page.refresh(s.stamp);
        lastStamp = s.stamp;
      }
      if (page === current || current === null) connected();
    } catch (e) {
      if (page === current) disconnected(e);
    } finally {
      ticking = false;
    }
  }

  if (TOKEN_LOGIN) {
    const signOut = document.getElementById("sign-out");
    signOut.hidden = false;
    signOut.addEventListener("click", async () => {
      await fetch("logout", { method: "POST", headers: { "X-Spool-Csrf": CSRF }, credentials: "same-origin" });
      location.href = "login";
    });
  }

  window.addEventListener("hashchange", route);
  readSession().then((ok) => { sessionRead = ok; });
  route();
  setInterval(tick, 1000);
})();
