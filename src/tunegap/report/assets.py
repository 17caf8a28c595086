"""The CSS and JavaScript inlined into report.html (no file, no network: the page opens from
disk). The script treats every model text as data: it reaches the page only through text nodes
(`append(string)` / `textContent`), never through innerHTML."""

CSS = r"""
:root{--inst:#1f5fa8;--base:#e07b22;--ink:#1b1b1b;--mute:#6b6b6b;--line:#d8d8d8;--bg:#fafafa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
 margin:0;background:#fff}
header,section{max-width:1400px;margin:0 auto;padding:12px 24px}
header{border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:6px 0}h2{font-size:18px;margin:18px 0 8px;border-bottom:1px solid
 var(--line);padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
nav a{margin-right:14px;color:var(--inst)}
.caveat{background:#fff6e0;border-left:4px solid #e0a800;padding:6px 10px;margin:8px 0}
.verdicts{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:var(--bg)}
.card h3{margin:2px 0 6px}.card ul{margin:0;padding-left:18px}
.helps{color:#1d7a34;font-weight:600}.hurts{color:#b3261e;font-weight:600}
.unclear{color:var(--mute)}
table.t{border-collapse:collapse;margin:8px 0 2px;font-size:12.5px}
table.t caption{text-align:left;font-weight:600;padding:4px 0;white-space:nowrap}
table.t th,table.t td{padding:3px 7px;border-bottom:1px solid #eee;text-align:left}
table.t thead th{border-bottom:1px solid #999}
table.t td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.t td.sig{font-weight:700}table.t td.unres{color:var(--mute);font-style:italic}
table.t tr.rule td{border-top:1px solid #999}
.note{color:var(--mute);font-size:12px;margin:2px 0 14px;max-width:1000px}
.scroll{overflow-x:auto}
.plot{margin:10px 0 18px}.plot svg{max-width:100%;height:auto}
.plot figcaption{color:var(--mute);font-size:12px}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;margin:8px 0}
.controls label{display:flex;flex-direction:column;font-size:12px;color:var(--mute)}
.controls select,.controls input[type=search]{font-size:13px;padding:2px 4px;min-width:120px}
.controls label.chk{flex-direction:row;align-items:center;gap:4px;color:var(--ink)}
#count{font-weight:600}.check{color:var(--mute);font-size:12px;margin-left:8px}
#list{width:100%}#list tbody tr{cursor:pointer}#list tbody tr:hover{background:#f0f5fb}
#list tbody tr.sel{background:#e3edf9}
.pager{display:flex;gap:10px;align-items:center;margin:6px 0}
.ok{color:#1d7a34}.bad{color:#b3261e}.na{color:var(--mute)}
#detail{margin-top:14px;border-top:2px solid var(--line);padding-top:8px}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.side{border:1px solid var(--line);border-radius:6px;padding:8px 10px;min-width:0}
.side.base{border-top:4px solid var(--base)}.side.instruct{border-top:4px solid var(--inst)}
pre{white-space:pre-wrap;word-break:break-word;background:var(--bg);border:1px solid #eee;
 padding:6px 8px;margin:4px 0;max-height:28em;overflow:auto;font-size:12.5px}
.trunc{display:block;color:#8a5a00;background:#fff3d6;font-style:italic;margin:4px 0;
 padding:1px 4px}
.sample{border-top:1px dashed var(--line);padding-top:6px;margin-top:8px}
.kv{color:var(--mute);font-size:12px}
dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px}
dl.prov dt{color:var(--mute)}dl.prov dd{margin:0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
"""

JS = r"""
(() => {
"use strict";
const D = JSON.parse(document.getElementById("tg-data").textContent);
const M = D.meta, ITEMS = D.items, SIDES = D.sides, PAGE = 25;
const G = M.graders.length;
const $ = (id) => document.getElementById(id);
// Every child is a Node or becomes a text node: data never turns into markup.
const el = (tag, cls, ...kids) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
};
// A clipped text is [head, characters left out, tail].
const plain = (v) => v === null || v === undefined ? "" : (Array.isArray(v) ? v[0] + v[2] : v);
function textNode(v) {
  if (v === null || v === undefined) return el("span", "na", "—");
  if (!Array.isArray(v)) return document.createTextNode(v);
  const f = document.createDocumentFragment();
  f.append(v[0], el("span", "trunc", "… truncated: " + v[1].toLocaleString() +
    " characters not shown (the full text is in samples.jsonl) …"), v[2]);
  return f;
}
const S = {pair: -1, benchmark: -1, setting: -1, decoding: -1, group: "", ext: M.primary.extractor,
           grader: "", outcome: "all", disagree: false, missing: false, q: "", page: 0};
const bench = (it) => M.dims.benchmark[it.k[1]];
const graderOf = (it) => S.grader || M.primary.graders[bench(it)] || M.graders[0];
const realExt = (side) => S.ext === M.bySideName ? M.bySide[side] : S.ext;
function score(it, side) {
  const col = M.scoreCols.indexOf(S.ext) * G + M.graders.indexOf(graderOf(it));
  const sc = it["sc_" + side];
  const v = sc ? sc[col] : null;
  return v === undefined ? null : v;
}
const samplesOf = (it, side) => (it[side] || []).flatMap((i) => SIDES[i].x);
function disagrees(it) {
  for (const side of ["base", "instruct"]) {
    const e = M.extractors.indexOf(realExt(side));
    for (const s of samplesOf(it, side)) {
      const codes = s.g.slice(e * G, e * G + G).replace(/[n.]/g, "");
      if (codes.includes("c") && /[^c]/.test(codes)) return true;
    }
  }
  return false;
}
function missing(it) {
  for (const side of ["base", "instruct"]) {
    const e = M.extractors.indexOf(realExt(side));
    for (const s of samplesOf(it, side)) if (s.a[e] === null || s.a[e] === undefined) return true;
  }
  return false;
}
const hay = new Map();
function haystack(it) {
  let h = hay.get(it);
  if (h === undefined) {
    const parts = [it.id, plain(it.q), it.t];
    for (const side of ["base", "instruct"])
      for (const s of samplesOf(it, side)) parts.push(plain(s.o), ...s.a.map((a) => a || ""));
    h = parts.join("\n").toLowerCase();
    hay.set(it, h);
  }
  return h;
}
// Right on a side = the item's accuracy > 0.5 under the chosen extractor × grader: greedy and
// CoT-decoding items are 0/1 (as in the paired comparison's 2×2 table); n samples: most right.
function outcomeOk(it) {
  if (S.outcome === "all") return true;
  const i = score(it, "instruct"), b = score(it, "base");
  if (S.outcome === "unscored") return i === null || b === null;
  if (i === null || b === null) return false;
  const ir = i > 0.5, br = b > 0.5;
  return {inst_only: ir && !br, base_only: br && !ir, both_right: ir && br,
          both_wrong: !ir && !br}[S.outcome];
}
function matches(it) {
  const k = it.k;
  if ((S.pair >= 0 && k[0] !== S.pair) || (S.benchmark >= 0 && k[1] !== S.benchmark) ||
      (S.setting >= 0 && k[2] !== S.setting) || (S.decoding >= 0 && k[3] !== S.decoding)) return false;
  if (S.group && it.g !== S.group) return false;
  if (!outcomeOk(it)) return false;
  if (S.disagree && !disagrees(it)) return false;
  if (S.missing && !missing(it)) return false;
  if (S.q && !haystack(it).includes(S.q)) return false;
  return true;
}
const keyOf = (it) => [M.dims.pair[it.k[0]], bench(it), M.dims.setting[it.k[2]],
                       M.dims.decoding[it.k[3]], it.id].join("|");
function verdict(v) {
  if (v === null) return el("span", "na", "–");
  if (v === 1) return el("span", "ok", "✓ right");
  if (v === 0) return el("span", "bad", "✗ wrong");
  return el("span", v > 0.5 ? "ok" : "bad", Math.round(v * 100) + " % right");
}
function answersOf(it, side) {
  const e = M.extractors.indexOf(realExt(side));
  const a = samplesOf(it, side).map((s) => s.a[e]);
  return a.length ? a.map((x) => x === null ? "—" : x).join(", ") : "";
}
let matched = [];
function expected() {
  // The comparison in results.json that the current filters name, if they name exactly one.
  const one = (name) => S[name] >= 0 ? S[name] : (M.dims[name].length === 1 ? 0 : -1);
  const idx = ["pair", "benchmark", "setting", "decoding"].map(one);
  if (idx.some((x) => x < 0) || S.group || S.disagree || S.missing || S.q) return null;
  const b = M.dims.benchmark[idx[1]];
  const key = [M.dims.pair[idx[0]], b, M.dims.setting[idx[2]], M.dims.decoding[idx[3]], S.ext,
               S.grader || M.primary.graders[b]].join("|");
  return M.comparisons[key] || null;
}
function renderList() {
  matched = ITEMS.filter(matches);
  const pages = Math.max(1, Math.ceil(matched.length / PAGE));
  S.page = Math.min(S.page, pages - 1);
  const count = $("count");
  count.dataset.n = String(matched.length);
  count.textContent = matched.length.toLocaleString() + " item" + (matched.length === 1 ? "" : "s");
  const exp = expected(), check = $("check");
  check.textContent = exp && exp.c !== null ? "results.json: instruct right / base wrong c = " +
    exp.c + ", base right / instruct wrong b = " + exp.b + " of n = " + exp.n : "";
  $("page").textContent = "page " + (S.page + 1) + " of " + pages;
  const body = $("rows");
  body.replaceChildren();
  for (const it of matched.slice(S.page * PAGE, S.page * PAGE + PAGE)) {
    const tr = el("tr", null, el("td", "mono", it.id), el("td", null, M.dims.pair[it.k[0]]),
      el("td", null, bench(it)), el("td", null, M.dims.setting[it.k[2]]),
      el("td", null, M.dims.decoding[it.k[3]]), el("td", null, it.g),
      el("td", null, verdict(score(it, "base"))), el("td", "mono", answersOf(it, "base")),
      el("td", null, verdict(score(it, "instruct"))), el("td", "mono", answersOf(it, "instruct")));
    tr.dataset.key = keyOf(it);
    tr.addEventListener("click", () => { location.hash = "item=" + encodeURIComponent(keyOf(it)); });
    body.append(tr);
  }
  $("prev").disabled = S.page === 0;
  $("next").disabled = S.page >= pages - 1;
}
const OUTCOME = M.outcomes;  // outcome code → word (records.OUTCOME_WORD)
function sideView(it, side) {
  const box = el("div", "side " + side);
  const entries = (it[side] || []).map((i) => SIDES[i]);
  box.append(el("h3", null, side + (entries.length ? " · " + entries[0].m : "")),
             el("div", null, "item verdict (" + S.ext + " × " + graderOf(it) + "): ",
                verdict(score(it, side))));
  if (!entries.length) { box.append(el("p", "na", "no samples on this side")); return box; }
  const det = el("details", null, el("summary", null, "prompt as the model saw it"),
                 el("pre", null, textNode(entries[0].p)));
  box.append(det);
  for (const s of entries.flatMap((e) => e.x)) {
    const smp = el("div", "sample", el("div", "kv", "sample " + s.i + " · finish " + s.f + " · " +
                   s.n + " tokens"), el("pre", null, textNode(s.o)));
    const head = el("tr", null, el("th", null, "extractor"), el("th", null, "answer"),
                    el("th", null, "status"), ...M.graders.map((g) => el("th", null, g)));
    const tb = el("tbody");
    M.extractors.forEach((e, ei) => {
      tb.append(el("tr", null, el("td", null, e), el("td", "mono", textNode(s.a[ei])),
        el("td", null, s.s[ei]), ...M.graders.map((g, gi) => {
          const o = OUTCOME[s.g[ei * G + gi]] || "?";
          return el("td", o === "right" ? "ok" : (o === "wrong" ? "bad" : "na"), o);
        })));
    });
    smp.append(el("table", "t", el("thead", null, head), tb));
    box.append(smp);
  }
  return box;
}
let byKey = null;
function renderDetail() {
  const pane = $("detail");
  const m = /^#item=(.*)$/.exec(location.hash);
  if (!m) { pane.replaceChildren(); return; }
  if (!byKey) byKey = new Map(ITEMS.map((it) => [keyOf(it), it]));
  let key;
  try { key = decodeURIComponent(m[1]); } catch (err) { key = ""; }
  const it = byKey.get(key);
  if (!it) { pane.replaceChildren(el("p", "na", "no such item in this report")); return; }
  for (const tr of $("rows").children) tr.classList.toggle("sel", tr.dataset.key === key);
  const link = el("a", null, "permalink");
  link.href = "#item=" + encodeURIComponent(key);
  pane.replaceChildren(
    el("h3", null, it.id + " · " + M.dims.pair[it.k[0]] + " · " + bench(it) + " · " +
       M.dims.setting[it.k[2]] + " · " + M.dims.decoding[it.k[3]] + (it.g ? " · " + it.g : ""), " ", link),
    el("div", null, el("b", null, "target: "), el("span", "mono", it.t)),
    el("details", null, el("summary", null, "question"), el("pre", null, textNode(it.q))),
    el("div", "sides", sideView(it, "base"), sideView(it, "instruct")));
  pane.scrollIntoView({block: "start"});
}
function fillSelect(id, values, allLabel) {
  const s = $(id);
  s.replaceChildren(el("option", null, allLabel));
  s.options[0].value = "-1";
  values.forEach((v, i) => { const o = el("option", null, v); o.value = String(i); s.append(o); });
}
function fillGroups() {
  const groups = [...new Set(ITEMS.filter((it) => S.benchmark < 0 || it.k[1] === S.benchmark)
                                  .map((it) => it.g).filter((g) => g))].sort();
  const s = $("f-group");
  s.replaceChildren(el("option", null, "all"));
  s.options[0].value = "";
  for (const g of groups) { const o = el("option", null, g); o.value = g; s.append(o); }
  S.group = "";
}
function init() {
  for (const name of ["pair", "benchmark", "setting", "decoding"]) {
    fillSelect("f-" + name, M.dims[name], "all");
    $("f-" + name).addEventListener("change", (ev) => {
      S[name] = Number(ev.target.value); S.page = 0;
      if (name === "benchmark") fillGroups();
      renderList();
    });
  }
  fillGroups();
  const ext = $("f-ext");
  for (const e of M.scoreCols) { const o = el("option", null, e); o.value = e; ext.append(o); }
  ext.value = S.ext;
  const gr = $("f-grader");
  gr.append(el("option", null, "each benchmark's own"));
  gr.options[0].value = "";
  for (const g of M.graders) { const o = el("option", null, g); o.value = g; gr.append(o); }
  const on = (id, ev, fn) => $(id).addEventListener(ev, (e) => { fn(e.target); S.page = 0;
    renderList(); });
  on("f-group", "change", (t) => { S.group = t.value; });
  on("f-ext", "change", (t) => { S.ext = t.value; });
  on("f-grader", "change", (t) => { S.grader = t.value; });
  on("f-outcome", "change", (t) => { S.outcome = t.value; });
  on("f-disagree", "change", (t) => { S.disagree = t.checked; });
  on("f-missing", "change", (t) => { S.missing = t.checked; });
  on("f-q", "input", (t) => { S.q = t.value.trim().toLowerCase(); });
  $("prev").addEventListener("click", () => { S.page--; renderList(); });
  $("next").addEventListener("click", () => { S.page++; renderList(); });
  window.addEventListener("hashchange", renderDetail);
  renderList();
  renderDetail();
  window.tgFirstPage = performance.now();
  document.documentElement.dataset.ready = "1";
}
init();
})();
"""
