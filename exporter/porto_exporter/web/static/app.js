// The landing page: reads api/v1/overview (built from the exporter's current snapshot) every few
// seconds and draws it. Every value from portod goes into the page as text (textContent), never as markup.
"use strict";

const REFRESH_MS = 5000;
const PAGE_SIZE = 100;
const view = { rows: [], sortKey: 2, sortDesc: true, filter: "", page: 0 };

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + " " + units[i];
}

// Ages and uptimes, one way everywhere: whole units, the largest two ("8 s", "3 min 5 s", "2 h 10 min", "4 d 3 h").
function age(s) {
  if (s === null || s === undefined) return "–";
  s = Math.max(0, Math.floor(s));
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
}

// How long something took (a cycle, a collector): seconds with three decimals ("0.012 s", "1.240 s").
function took(s) {
  return s === null || s === undefined ? "–" : s.toFixed(3) + " s";
}

function num(n, digits) {
  return n === null || n === undefined ? "–" : (digits === undefined ? String(n) : n.toFixed(digits));
}

function setText(id, text, cls) {
  const node = document.getElementById(id);
  node.textContent = text;
  if (cls !== undefined) node.className = cls;
}

function drawSummary(doc) {
  const p = doc.portod, e = doc.exporter;
  setText("portod-status", e.up ? "up" : "down", e.up ? "up" : "down");
  setText("portod-version", p.version || "–");
  setText("portod-uptime", age(p.uptime_seconds));
  setText("portod-errors", num(p.errors) + " / " + num(p.warnings));
  const states = document.getElementById("states");
  states.replaceChildren(...Object.entries(p.containers_by_state || {})
    .filter(([, n]) => n > 0).map(([state, n]) => el("span", state + ": " + n)));
  setText("cycle", took(e.cycle_seconds));
  setText("age", age(e.snapshot_age_seconds));
  setText("rows-age", e.containers_age_seconds === null || e.containers_age_seconds === undefined
    ? "none served" : age(e.containers_age_seconds) + " old");
  document.getElementById("simulated").hidden = !e.simulated;
  setText("cycles", num(e.cycles));
  const body = document.getElementById("collectors");
  body.replaceChildren(...Object.entries(e.collectors || {}).map(([name, c]) => {
    const tr = el("tr");
    tr.append(el("td", name), el("td", c.success ? "yes" : "no", c.success ? "up" : "down"),
      el("td", took(c.duration_seconds), "num"));
    return tr;
  }));
}

function visibleRows() {
  const needle = view.filter.toLowerCase();
  const rows = needle ? view.rows.filter((r) => r[0].toLowerCase().includes(needle)) : view.rows.slice();
  const k = view.sortKey, dir = view.sortDesc ? -1 : 1;
  rows.sort((a, b) => {
    const x = a[k], y = b[k];
    if (x === y) return a[0] < b[0] ? -1 : 1;
    if (x === null || x === undefined) return 1;  // missing values last, whatever the direction
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * dir;
  });
  return rows;
}

function drawTable() {
  const rows = visibleRows();
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  view.page = Math.min(view.page, pages - 1);
  const slice = rows.slice(view.page * PAGE_SIZE, (view.page + 1) * PAGE_SIZE);
  const body = document.querySelector("#containers tbody");
  body.replaceChildren(...slice.map((r) => {
    const tr = el("tr");
    tr.append(el("td", r[0], "name"), el("td", r[1], "state-" + r[1]), el("td", num(r[2], 3), "num"),
      el("td", bytes(r[3]), "num"), el("td", bytes(r[4]), "num"), el("td", num(r[5]), "num"),
      el("td", num(r[6]), "num"), el("td", age(r[7]), "num"));
    return tr;
  }));
  if (!slice.length) {  // say why the table is empty rather than show nothing
    const td = el("td", view.rows.length ? "No container matches the filter." :
      "No container rows: portod has not answered (see Status), or the collector is off or its masks match nothing.",
      "empty");
    td.colSpan = 8;
    const tr = el("tr");
    tr.append(td);
    body.append(tr);
  }
  setText("count", "(" + rows.length + (rows.length !== view.rows.length ? " of " + view.rows.length : "") + ")");
  setText("page", "page " + (view.page + 1) + " of " + pages);
  document.getElementById("prev").disabled = view.page === 0;
  document.getElementById("next").disabled = view.page >= pages - 1;
  document.querySelectorAll("#containers th").forEach((th) => {
    th.className = Number(th.dataset.key) === view.sortKey ? (view.sortDesc ? "desc" : "asc") : "";
  });
}

async function refresh() {
  try {
    const response = await fetch("api/v1/overview", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const doc = await response.json();
    view.rows = doc.containers.rows;
    drawSummary(doc);
    drawTable();
    setText("status", "Updated " + new Date().toLocaleTimeString() + "; refreshed every " + REFRESH_MS / 1000 + " s.");
  } catch (err) {
    setText("status", "Could not load api/v1/overview: " + err.message);
  }
}

function init() {
  document.querySelectorAll("#containers th").forEach((th) => th.addEventListener("click", () => {
    const key = Number(th.dataset.key);
    if (key === view.sortKey) view.sortDesc = !view.sortDesc;
    else { view.sortKey = key; view.sortDesc = th.dataset.type === "num"; }
    drawTable();
  }));
  document.getElementById("filter").addEventListener("input", (ev) => {
    view.filter = ev.target.value;
    view.page = 0;
    drawTable();
  });
  document.getElementById("prev").addEventListener("click", () => { view.page--; drawTable(); });
  document.getElementById("next").addEventListener("click", () => { view.page++; drawTable(); });
  refresh();
  setInterval(refresh, REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", init);
