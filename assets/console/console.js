"use strict";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("opswall-token") || "";
const m = location.hash.match(/token=([^&]+)/);
if (m) {
  token = decodeURIComponent(m[1]);
  sessionStorage.setItem("opswall-token", token);
  history.replaceState(null, "", location.pathname);
}
$("token").value = token;

function say(text, err) {
  $("msg").textContent = text;
  $("msg").className = err ? "err" : "";
}

/* A refused token is not tried again until the operator reconnects, and
 * an address held back (429) waits out its Retry-After: a forgotten tab
 * with an old token must not keep failing, which would hold back every
 * console on its machine. */
let refused = false;
let pausedUntil = 0;
async function api(method, path, body) {
  if (refused) throw new Error("Mã truy cập không đúng: nhập lại rồi bấm Kết nối");
  if (Date.now() < pausedUntil)
    throw new Error("Quá nhiều lần sai mã truy cập từ máy này: tạm dừng đến " +
      new Date(pausedUntil).toLocaleTimeString("vi-VN"));
  const r = await fetch(path, {
    method,
    headers: { "Authorization": "Bearer " + token,
               "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) {
    refused = true;
    throw new Error("Mã truy cập không đúng");
  }
  if (r.status === 429 && path !== "/api/frame.png" && path !== "/api/record/frame") {
    pausedUntil = Date.now() + 1000 * (Number(r.headers.get("Retry-After")) || 60);
  }
  const type = r.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await r.json() : await r.blob();
  if (!r.ok) {
    const e = new Error((data && data.error) || ("Lỗi " + r.status));
    e.status = r.status;
    throw e;
  }
  return data;
}

async function command(path, body) {
  try {
    const res = await api("POST", path, body);
    say("Đã thực hiện: " + res.ok);
    await refresh();
  } catch (e) { say(e.message, true); }
}

function age(s) {
  if (s === undefined) return "—";
  if (s < 90) return Math.round(s) + " giây";
  if (s < 5400) return Math.round(s / 60) + " phút";
  if (s < 172800) return Math.round(s / 3600) + " giờ";
  return Math.round(s / 86400) + " ngày";
}

const stateWords = { "ok": "đúng hạn", "late": "trễ", "stale": "số liệu cũ",
  "error": "lỗi nguồn", "no-data": "chưa có số liệu", "live": "trực tiếp",
  "connecting": "đang kết nối", "lost": "mất tín hiệu", "reconnecting": "đang kết nối lại" };

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
}

/* Only what the token's role may do is offered (the server refuses the
 * rest with 403 in any case). */
const roleRank = { viewer: 1, operator: 2, admin: 3 };
const roleWords = { viewer: "chỉ xem", operator: "điều hành", admin: "quản trị" };
function showRole(role) {
  const have = roleRank[role] || 0;
  for (const e of document.querySelectorAll("[data-role]"))
    e.classList.toggle("hidden", have < roleRank[e.dataset.role]);
  $("role").textContent = role ? "Quyền: " + (roleWords[role] || role) : "";
  $("role").dataset.role = role || "";
}

let scenes = [];
async function refresh() {
  if (!token) { say("Nhập mã truy cập để điều khiển.", true); return; }
  try {
    const [st, sc] = await Promise.all([api("GET", "/api/state"),
                                        api("GET", "/api/scenes")]);
    scenes = sc;
    const box = $("scenes");
    box.textContent = "";
    for (const s of sc) {
      const b = document.createElement("button");
      b.textContent = s.title;
      b.dataset.scene = s.id;
      if (s.current) b.className = "current";
      b.onclick = () => command("/api/scene", { scene: s.id });
      box.appendChild(b);
    }
    const cur = sc.find((s) => s.current);
    const sel = $("focus");
    const keep = sel.value;
    sel.textContent = "";
    for (const w of (cur ? cur.widgets : [])) {
      const o = document.createElement("option");
      o.value = o.textContent = w;
      sel.appendChild(o);
    }
    if (keep) sel.value = keep;
    showRole(st.role);
    $("now").textContent = "Đang chiếu: " + (cur ? cur.title : st.scene) +
      (st.rotating ? " (tự động)" : "") + (st.focus ? " · phóng to " + st.focus : "") +
      (st.highlight ? " · nổi bật " + st.highlight : "") +
      (st.notice ? " · thông báo: " + st.notice : "");
    $("frozen").textContent = st.frozen_at ? "Đã cố định lúc " + st.frozen_at.slice(11, 16) : "";
    $("reload-error").textContent = st.reload_error ? "Bố cục mới bị từ chối: " + st.reload_error : "";
    const tb = $("sources");
    tb.textContent = "";
    for (const s of st.sources) {
      const tr = document.createElement("tr");
      tr.dataset.source = s.name;
      cell(tr, s.name);
      cell(tr, stateWords[s.state] || s.state, s.state);
      cell(tr, age(s.age_s));
      tb.appendChild(tr);
    }
    const vt = $("streams");
    vt.textContent = "";
    for (const s of st.streams || []) {
      const tr = document.createElement("tr");
      cell(tr, s.label);
      cell(tr, stateWords[s.state] || s.state, s.state);
      vt.appendChild(tr);
    }
    if (!vt.children.length) {
      const tr = document.createElement("tr");
      cell(tr, "Cảnh này không có điểm cầu");
      vt.appendChild(tr);
    }
    const img = await api("GET", "/api/frame.png");
    const old = $("preview").src;
    $("preview").src = URL.createObjectURL(img);
    if (old) URL.revokeObjectURL(old);
    if ($("msg").className === "err" || !$("msg").textContent) say("Đã kết nối.");
  } catch (e) { say(e.message, true); }
}

$("connect").onclick = () => {
  token = $("token").value.trim();
  sessionStorage.setItem("opswall-token", token);
  refused = false;
  refresh().then(() => { if (token && !refused) recordLoad(); });
};
$("prev").onclick = () => command("/api/scene", { step: -1 });
$("next").onclick = () => command("/api/scene", { step: 1 });
$("rotation").onclick = () => command("/api/scene", { rotation: true });
$("focus-go").onclick = () => command("/api/focus", { widget: $("focus").value });
$("focus-off").onclick = () => command("/api/focus", { widget: null });
$("hl-go").onclick = () => command("/api/highlight", { province: $("province").value.trim() });
$("hl-off").onclick = () => command("/api/highlight", { province: null });
$("freeze").onclick = () => command("/api/freeze", {});
$("release").onclick = () => command("/api/release", {});
$("notice-go").onclick = () => command("/api/notice",
  { text: $("notice").value.trim(), seconds: Number($("seconds").value) });
$("notice-off").onclick = () => command("/api/notice", { text: null });
$("reload").onclick = () => command("/api/reload", {});

/* Xem lại: only the record's read endpoints; the live wall is never
 * touched from here. */
let rec = null;
function wallTime(ms, withDate) {
  const d = new Date(ms + (rec ? rec.utc_offset_min : 420) * 60000);
  const p = (n) => String(n).padStart(2, "0");
  const t = p(d.getUTCHours()) + ":" + p(d.getUTCMinutes()) + ":" + p(d.getUTCSeconds());
  return withDate ? t + " " + p(d.getUTCDate()) + "/" + p(d.getUTCMonth() + 1) + "/" +
    d.getUTCFullYear() : t;
}
/* The datetime-local value, read on the wall's clock (its UTC offset). */
function wallInput(ms) {
  const d = new Date(ms + (rec ? rec.utc_offset_min : 420) * 60000);
  return d.toISOString().slice(0, 19);
}
function fromWallInput(v) {
  const ms = Date.parse(v + "Z");
  return isNaN(ms) ? NaN : ms - (rec ? rec.utc_offset_min : 420) * 60000;
}
async function recordLoad(window) {
  try {
    rec = window ? await api("POST", "/api/record/timeline", window)
                 : await api("GET", "/api/record");
  } catch (e) {
    $("rec-span").textContent = e.status === 404
      ? "Tường này không lưu bản ghi (opswall run --record THƯ_MỤC, hoặc khoá \"record\" của bố cục)."
      : "Không tải được bản ghi: " + e.message;
    return;
  }
  if (rec.window_from > rec.window_to) {
    $("rec-span").textContent = "Bản ghi từ " + wallTime(rec.from, true) + " đến " +
      wallTime(rec.to, true) + ": không có gì trong khoảng đã chọn.";
    return;
  }
  const sl = $("rec-slider");
  sl.min = rec.window_from;
  sl.max = rec.window_to;
  sl.disabled = false;
  $("rec-span").textContent = "Bản ghi từ " + wallTime(rec.from, true) + " đến " +
    wallTime(rec.to, true) + " · " + rec.events.length + " sự kiện" +
    (rec.window_from > rec.from || rec.window_to < rec.to
      ? " từ " + wallTime(rec.window_from, true) + " đến " + wallTime(rec.window_to, true)
      : "");
  $("rec-end").value = wallInput(rec.window_to);
  const marks = $("rec-marks"), list = $("rec-events");
  marks.textContent = "";
  list.textContent = "";
  const span = Math.max(1, rec.window_to - rec.window_from);
  for (const ev of rec.events.slice().reverse()) {
    const li = document.createElement("li");
    li.dataset.at = ev.at;
    li.dataset.kind = ev.kind;
    const t = document.createElement("time");
    t.textContent = wallTime(ev.at, false);
    li.appendChild(t);
    li.appendChild(document.createTextNode(ev.text));
    li.onclick = () => recordShow(ev.at);
    list.appendChild(li);
    const m = document.createElement("span");
    m.className = ev.kind;
    m.title = wallTime(ev.at, false) + " " + ev.text;
    m.style.left = (100 * (ev.at - rec.window_from) / span) + "%";
    marks.appendChild(m);
  }
  recordShow(rec.window_to);
}
async function recordShow(at) {
  if (!rec) return;
  at = Math.min(Math.max(Math.round(at), rec.window_from), rec.window_to);
  $("rec-slider").value = at;
  $("rec-at").textContent = "Lúc " + wallTime(at, true) + " …";
  for (const li of $("rec-events").children)
    li.className = Number(li.dataset.at) === at ? "current" : "";
  try {
    const img = await api("POST", "/api/record/frame", { at, scale: 0.5 });
    const old = $("rec-frame").src;
    $("rec-frame").src = URL.createObjectURL(img);
    if (old) URL.revokeObjectURL(old);
    $("rec-at").textContent = "Hình trên tường lúc " + wallTime(at, true);
  } catch (e) {
    $("rec-at").textContent = "Lúc " + wallTime(at, true) + ": " +
      (e.status === 422 ? "bản ghi không có thời điểm này (" + e.message + ")"
       : e.status === 503 ? "đang vẽ một hình khác, thử lại sau giây lát"
       : e.message);
  }
}
$("rec-load").onclick = () => recordLoad();
$("rec-window").onclick = () => {
  const to = fromWallInput($("rec-end").value);
  if (isNaN(to)) { $("rec-span").textContent = "Chọn ngày giờ kết thúc."; return; }
  recordLoad({ from: to - 86400000, to });
};
$("rec-slider").onchange = () => recordShow(Number($("rec-slider").value));
$("rec-back").onclick = () => recordShow(Number($("rec-slider").value) - 10000);
$("rec-fwd").onclick = () => recordShow(Number($("rec-slider").value) + 10000);
refresh().then(() => { if (token && !refused) recordLoad(); });
setInterval(() => { if (!refused && Date.now() >= pausedUntil) refresh(); }, 5000);
