// The capture guide: camera frames go to POST /v1/ekyc/evidence a few times a second; the
// found outline is drawn over the video and the answer says what to change; the photo is taken
// when the evidence says "card". Nothing is stored: frames live only in this page's memory.
"use strict";

const INTERVAL_MS = 300;        // at most ~3 frames a second, one request at a time
const MAX_SIDE_PX = 1600;       // frames are sent at most this large
const ADVICE = {
  tilt_more: ["カードを奥へ傾けてください", "Tilt the card away from you"],
  tilt_less: ["少し傾きを戻してください", "Tilt the card back a little"],
  move_closer: ["カードを近づけてください", "Bring the card closer"],
  less_glare: ["光の反射を減らしてください", "Less glare: tilt or move away from the light"],
  hold_still: ["動かさずに持ってください", "Hold still"],
  move_back: ["カード全体が写るように離してください", "Move back: the whole card must be in view"],
  show_card: ["カードをカメラに向けてください", "Show the card to the camera"],
  other_background: ["別の色の背景にしてください", "Use a background of another colour"],
};
const REFUSED = {
  flat: ["印刷やコピーではなく、カードそのものを写してください", "Show the card itself, not a print or copy"],
  screen: ["画面ではなく、カードそのものを写してください", "Show the card itself, not a screen"],
};

const video = document.getElementById("camera");
const overlay = document.getElementById("outline");
const adviceEl = document.getElementById("advice");
const statusEl = document.getElementById("status");
const result = document.getElementById("result");
const shot = document.getElementById("shot");
const frame = document.createElement("canvas");
let stream = null;
let busy = false;
let timer = null;
let frames = 0;
let shotUrl = null;

function say(text, kind, code) {
  adviceEl.textContent = text;
  adviceEl.className = "advice " + (kind || "");
  adviceEl.dataset.advice = code || "";
}

function drawOutline(card, w, h, ok) {
  overlay.width = overlay.clientWidth;
  overlay.height = overlay.clientHeight;
  const g = overlay.getContext("2d");
  g.clearRect(0, 0, overlay.width, overlay.height);
  if (!card) { overlay.dataset.corners = ""; return; }
  const c = card.corners;
  const pts = [c.top_left, c.top_right, c.bottom_right, c.bottom_left];
  const sx = overlay.width / w, sy = overlay.height / h;
  g.lineWidth = 4;
  g.strokeStyle = ok ? "#22c55e" : "#facc15";
  g.beginPath();
  pts.forEach(([x, y], i) => (i ? g.lineTo(x * sx, y * sy) : g.moveTo(x * sx, y * sy)));
  g.closePath();
  g.stroke();
  overlay.dataset.corners = JSON.stringify(pts);
}

function grab() {
  const w = video.videoWidth, h = video.videoHeight;
  const s = Math.min(1, MAX_SIDE_PX / Math.max(w, h));
  frame.width = Math.round(w * s);
  frame.height = Math.round(h * s);
  frame.getContext("2d").drawImage(video, 0, 0, frame.width, frame.height);
  return new Promise((resolve) => frame.toBlob(resolve, "image/jpeg", 0.92));
}

function capture(blob) {
  // the photo is the frame the evidence accepted; it stays in this page
  clearInterval(timer);
  timer = null;
  if (shotUrl) URL.revokeObjectURL(shotUrl);
  shotUrl = URL.createObjectURL(blob);
  shot.src = shotUrl;
  result.hidden = false;
  document.body.dataset.state = "captured";
  stream.getTracks().forEach((t) => t.stop());
}

async function tick() {
  if (busy || !video.videoWidth) return;
  busy = true;
  try {
    const blob = await grab();
    const body = new FormData();
    body.append("file", blob, "frame.jpg");
    const response = await fetch("/v1/ekyc/evidence", { method: "POST", body });
    const answer = await response.json();
    frames += 1;
    statusEl.dataset.frames = String(frames);
    if (!response.ok) {
      say(answer.error ? answer.error.message : "error", "refused", "error");
      return;
    }
    statusEl.dataset.verdict = answer.verdict;
    const seen = (statusEl.dataset.seen || "").split(" ").filter(Boolean);
    const tag = answer.verdict + (answer.advice.length ? ":" + answer.advice.join(",") : "");
    if (!seen.includes(tag)) seen.push(tag);
    statusEl.dataset.seen = seen.join(" ");
    const tilt = answer.tilt_deg == null ? "" : ` · ${answer.tilt_deg.toFixed(0)}°`;
    const mm = answer.thickness_mm == null ? "" : ` · ${answer.thickness_mm.toFixed(2)} mm`;
    statusEl.textContent = `${answer.verdict}${tilt}${mm}`;
    drawOutline(answer.card, frame.width, frame.height, answer.verdict === "card");
    if (answer.verdict === "card") {
      say("カードの厚みを確認しました / The card's edge shows: captured", "card", "captured");
      capture(blob);
    } else if (answer.verdict === "retake") {
      // every piece of advice ("tilt the card further" and "bring it closer" may come together)
      const said = answer.advice.map((code) => ADVICE[code]).filter(Boolean);
      const a = said.length ? [said.map((x) => x[0]).join(" "), said.map((x) => x[1]).join("; ")]
        : [answer.reasons[0].message_ja, answer.reasons[0].message];
      say(`${a[0]} / ${a[1]}`, "", answer.advice[0] || "retake");
    } else {
      const a = REFUSED[answer.verdict];
      say(`${a[0]} / ${a[1]}`, "refused", answer.verdict);
    }
  } catch (err) {
    say("サーバーに接続できません / Cannot reach the service", "refused", "error");
  } finally {
    busy = false;
  }
}

async function start() {
  result.hidden = true;
  document.body.dataset.state = "live";
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment", width: { ideal: 1600 }, height: { ideal: 1200 } }, audio: false });
  } catch (err) {
    say("カメラを使えません / The camera is not available: " + err.name, "refused", "no_camera");
    return;
  }
  video.srcObject = stream;
  say("カードを写してください / Show the card", "", "show_card");
  timer = setInterval(tick, INTERVAL_MS);
}

document.getElementById("again").addEventListener("click", start);
start();
