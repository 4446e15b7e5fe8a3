// mynacard preview page: plain JavaScript, no build step, talks only to this server.
"use strict";

const FIELDS = ["surname", "given_name", "surname_kana", "given_name_kana", "passport_romaji", "address",
  "birth_date", "sex", "my_number", "issue_date", "issuer", "remarks"];
const OPTIONAL = new Set(["passport_romaji", "sex", "remarks"]);
const DEBOUNCE_MS = 350;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
};

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function holderData() {
  const data = {};
  for (const name of FIELDS) {
    const raw = $(name).value;
    if (name === "remarks") {
      const lines = raw.split("\n").map((s) => s.trim()).filter(Boolean);
      if (lines.length) data.remarks = lines;
      continue;
    }
    const value = raw.trim();
    if (value === "" && OPTIONAL.has(name)) continue;
    data[name] = value;
  }
  return data;
}

function photoFile() {
  const files = $("photo").files;
  return files && files.length ? files[0] : null;
}

function cardUrl(format) {
  const q = new URLSearchParams({ side: $("side").value, layout: $("layout").value, format,
    allow_failing_photo: "true" });
  return "/v1/card/render?" + q.toString();
}

function cardRequest(format, signal) {
  const body = new FormData();
  body.append("holder", JSON.stringify(holderData()));
  const photo = photoFile();
  if (photo) body.append("photo", photo, photo.name);
  return fetch(cardUrl(format), { method: "POST", body, signal });
}

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error;
  } catch (_) { /* not JSON */ }
  return { code: "http." + response.status, message: response.statusText, problems: [] };
}

// -- errors beside the fields ---------------------------------------------------------------

function showErrors(error) {
  for (const name of FIELDS.concat(["photo"])) $(name).removeAttribute("aria-invalid");
  const list = $("form-errors");
  list.replaceChildren();
  if (!error) return;
  const problems = error.problems && error.problems.length ? error.problems : [error];
  for (const p of problems) {
    if (p.field && $(p.field)) $(p.field).setAttribute("aria-invalid", "true");
    const where = p.field ? p.field + ": " : "";
    const ja = p.message_ja ? " / " + p.message_ja : "";
    list.append(el("li", { "data-code": p.code || error.code }, `${where}${p.message}${ja} [${p.code || error.code}]`));
  }
}

// -- the card preview -------------------------------------------------------------------------

let previewUrl = null;
let previewAbort = null;

async function renderPreview() {
  if (previewAbort) previewAbort.abort();
  previewAbort = new AbortController();
  const img = $("preview");
  img.classList.add("stale");
  $("preview-status").textContent = "描画中… rendering…";
  try {
    const response = await cardRequest("png", previewAbort.signal);
    if (!response.ok) {
      const error = await errorOf(response);
      showErrors(error);
      $("preview-status").textContent = `プレビューできません Cannot preview: ${error.message} [${error.code}]`;
      return;
    }
    const blob = await response.blob();
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(blob);
    img.src = previewUrl;
    img.dataset.renders = String(Number(img.dataset.renders) + 1);
    img.classList.remove("stale");
    showErrors(null);
    $("preview-status").textContent = `見本 SAMPLE · ${$("layout").value} · ${$("side").value}`;
  } catch (err) {
    if (err.name !== "AbortError") $("preview-status").textContent = "通信エラー Network error: " + err.message;
  }
}

// -- romanization status under the name -------------------------------------------------------

const STATUS_TEXT = { hepburn: "ヘボン式 Hepburn", variant: "長音表記の例外 accepted variant",
  "non-hepburn": "ヘボン式以外 non-Hepburn" };
let romajiAbort = null;

async function updateRomaji() {
  const box = $("romaji");
  const sk = $("surname_kana").value.trim();
  const gk = $("given_name_kana").value.trim();
  if (!sk || !gk) { box.replaceChildren(); return; }
  if (romajiAbort) romajiAbort.abort();
  romajiAbort = new AbortController();
  const body = { kana: `${sk} ${gk}` };
  const passport = $("passport_romaji").value.trim();
  if (passport) body.passport = passport;
  const sn = $("surname").value.trim();
  const gn = $("given_name").value.trim();
  if (sn && gn && !/\s/.test(sn + gn)) body.kanji = `${sn} ${gn}`;
  try {
    const response = await fetch("/v1/romaji", { method: "POST", signal: romajiAbort.signal,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) {
      const error = await errorOf(response);
      box.replaceChildren(el("span", { class: "badge fail" }, error.code), " " + error.message);
      return;
    }
    const name = await response.json();
    const parts = name.parts.map((p) => {
      const li = el("li", { "data-status": p.status },
        `${p.part === "surname" ? "氏" : "名"} ${p.kana} → ${p.spelling}`,
        el("span", { class: "badge " + p.status }, STATUS_TEXT[p.status] || p.status));
      if (p.status !== "hepburn" && (p.reason || p.reason_en)) {
        li.append(el("div", { class: "muted" }, `${p.reason} / ${p.reason_en}`));
      }
      return li;
    });
    box.replaceChildren(el("div", {}, "カード表記 On the card: ", el("span", { class: "text" }, name.text)),
      el("ul", {}, ...parts));
  } catch (err) {
    if (err.name !== "AbortError") box.textContent = "通信エラー Network error";
  }
}

// -- photo check beside the photo -------------------------------------------------------------

let thumbUrl = null;

async function checkPhoto() {
  const box = $("photo-check");
  const file = photoFile();
  const thumb = $("photo-thumb");
  if (thumbUrl) URL.revokeObjectURL(thumbUrl);
  if (!file) { thumb.hidden = true; box.replaceChildren(); return; }
  thumbUrl = URL.createObjectURL(file);
  thumb.src = thumbUrl;
  thumb.hidden = false;
  box.replaceChildren(el("p", { class: "muted" }, "確認中… checking…"));
  const body = new FormData();
  body.append("file", file, file.name);
  const response = await fetch("/v1/photo/check", { method: "POST", body });
  if (!response.ok) {
    const error = await errorOf(response);
    box.replaceChildren(el("p", { class: "verdict fail", "data-verdict": "error" },
      `確認できません Cannot check: ${error.message} [${error.code}]`));
    return;
  }
  const report = await response.json();
  const item = (c) => el("li", { class: c.passed ? "pass" : "fail", "data-check": c.id },
    `${c.passed ? "✓" : "✗"} ${c.id}: ${c.message}`, el("span", { class: "en" }, c.message_en));
  // A check that could not judge the photo is listed as not checked, never as passed, even
  // where it does not hold the photo back (no date taken in the file).
  const failed = report.checks.filter((c) => !c.passed && c.evaluated !== false);
  const unchecked = report.checks.filter((c) => c.evaluated === false);
  const passed = report.checks.filter((c) => c.passed && c.evaluated !== false);
  const bad = failed.length + unchecked.filter((c) => !c.passed).length;
  const parts = [report.passed
    ? el("p", { class: "verdict pass", "data-verdict": "pass" }, "適合 Meets the rules")
    : el("p", { class: "verdict fail", "data-verdict": "fail" }, `不適合 ${bad} 項目 Does not meet ${bad} rule(s)`)];
  // What to change first; checks that could not run (no face found) folded under one line.
  if (failed.length) parts.push(el("ul", { class: "failed" }, ...failed.map(item)));
  if (unchecked.length) {
    parts.push(el("details", { class: "unchecked" },
      el("summary", {}, `判定できなかった項目 ${unchecked.length} Not checked`),
      el("ul", {}, ...unchecked.map((c) => el("li", { class: c.passed ? "unchecked" : "fail", "data-check": c.id },
        `${c.id}: ${c.message}`, el("span", { class: "en" }, c.message_en))))));
  }
  if (passed.length) {
    parts.push(el("details", { class: "passed" }, el("summary", {}, `適合した項目 ${passed.length} Passed`),
      el("ul", {}, ...passed.map(item))));
  }
  box.replaceChildren(...parts);
}

// -- downloads --------------------------------------------------------------------------------

async function download(format) {
  const button = $("download-" + format);
  button.disabled = true;
  try {
    const response = await cardRequest(format);
    if (!response.ok) { showErrors(await errorOf(response)); return; }
    const url = URL.createObjectURL(await response.blob());
    const a = el("a", { href: url, download: `card-${$("layout").value}-${$("side").value}.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } finally {
    button.disabled = false;
  }
}

// -- wiring -----------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const preview = debounce(renderPreview, DEBOUNCE_MS);
  const romaji = debounce(updateRomaji, DEBOUNCE_MS);
  for (const name of FIELDS.concat(["layout", "side"])) {
    $(name).addEventListener("input", preview);
    $(name).addEventListener("change", preview);
  }
  for (const name of ["surname", "given_name", "surname_kana", "given_name_kana", "passport_romaji"]) {
    $(name).addEventListener("input", romaji);
  }
  $("photo").addEventListener("change", () => { checkPhoto(); renderPreview(); });
  $("download-png").addEventListener("click", () => download("png"));
  $("download-pdf").addEventListener("click", () => download("pdf"));
  renderPreview();
  updateRomaji();
});
