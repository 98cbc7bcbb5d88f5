// The simulator page's client script: plain JS (no build step, no CDN), served inline with a CSP nonce.
export const SCRIPT = String.raw`
(function () {
  "use strict";
  var ID_RE = /^[A-Za-z0-9_\-@.]{1,64}$/;
  var $ = function (id) { return document.getElementById(id); };
  var chat = $("chat"), statusEl = $("status"), select = $("persona"), input = $("input");
  var params = new URLSearchParams(location.search);
  var userId = params.get("as") || sessionStorage.getItem("sim.as") || "";
  if (userId && !ID_RE.test(userId)) userId = "";
  var seen = {}, cards = {}, finals = {}, buffer = [], ready = false, entered = false, es = null;

  function rid(n) {
    var b = new Uint8Array(n); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  // Just enough markdown: escape first, then bold, WeCom's font colours, headings, line breaks.
  function md(s) {
    return esc(s)
      .replace(/&lt;font color=&quot;(info|comment|warning)&quot;&gt;([\s\S]*?)&lt;\/font&gt;/g, '<span class="c-$1">$2</span>')
      .replace(/\*\*([^*\n]+)\*\*/g, "<strong>$1</strong>")
      .replace(/^#{1,6} (.*)$/gm, "<strong>$1</strong>")
      .replace(/\n/g, "<br>");
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function add(node, id) {
    if (id) { seen[id] = true; node.dataset.id = id; }
    chat.appendChild(node);
    chat.scrollTop = chat.scrollHeight;
    return node;
  }
  function system(text) { add(el("div", "msg system", text)); }
  function setStatus(state, text) { statusEl.dataset.state = state; statusEl.textContent = text; }

  function renderCard(card) {
    var box = el("div", "msg bot card");
    box.dataset.cardId = card.id;
    box.appendChild(el("div", "title", card.title));
    if (card.description) { var d = el("div", "desc"); d.innerHTML = md(card.description); box.appendChild(d); }
    if (card.facts && card.facts.length) {
      var dl = el("dl");
      card.facts.forEach(function (f) { dl.appendChild(el("dt", "", f.label)); dl.appendChild(el("dd", "", f.value)); });
      box.appendChild(dl);
    }
    if (card.url && /^(https?:\/\/|\/(?!\/))/i.test(card.url)) {
      var a = el("a", "link", "查看详情 ›"); a.href = card.url; a.target = "_blank"; a.rel = "noopener noreferrer";
      box.appendChild(a);
    }
    var row = el("div", "buttons");
    (card.buttons || []).forEach(function (b) {
      var btn = el("button", b.style === "primary" || b.style === "danger" ? b.style : "", b.label);
      btn.type = "button";
      btn.addEventListener("click", function () { tap(card.id, b, row); });
      row.appendChild(btn);
    });
    if (row.childNodes.length) box.appendChild(row);
    cards[card.id] = box;
    return box;
  }
  // A chart (8.2): the PNG as a data: URL (the page's CSP allows img-src data:); tap to open it full size.
  function renderImage(m) {
    var box = el("div", "msg bot image");
    if (typeof m.png !== "string" || !/^[A-Za-z0-9+\/]+=*$/.test(m.png)) { box.textContent = m.alt || ""; return box; }
    var img = el("img");
    img.alt = m.alt || "";
    img.src = "data:image/png;base64," + m.png;
    img.addEventListener("click", function () { box.classList.toggle("full"); });
    box.appendChild(img);
    if (m.alt) box.appendChild(el("div", "alt", m.alt));
    return box;
  }
  function setFinal(cardId, text) {
    finals[cardId] = text;
    var box = cards[cardId];
    if (!box || box.classList.contains("done")) return;
    box.classList.add("done");
    var row = box.querySelector(".buttons");
    if (row) row.remove();
    box.appendChild(el("div", "final", "✓ " + text));
  }
  function renderBot(item) {
    if (seen[item.id]) return;
    var m = item.message, node;
    if (m.kind === "card") node = renderCard(m.card);
    else if (m.kind === "markdown") { node = el("div", "msg bot"); node.innerHTML = md(m.markdown); }
    else if (m.kind === "image") node = renderImage(m);
    else node = el("div", "msg bot", m.text);
    add(node, item.id);
    if (m.kind === "card" && (item.finalText || finals[m.card.id])) setFinal(m.card.id, item.finalText || finals[m.card.id]);
  }
  function renderUser(item) {
    if (seen[item.id]) return;
    if (item.text != null) add(el("div", "msg user", item.text), item.id);
    else if (item.tap) add(el("div", "msg tap", "点击了「" + item.tap + "」"), item.id);
  }
  function onPush(ev) {
    if (ev.type === "reset") { restart("演示数据已重置"); return; }
    if (!ready) { buffer.push(ev); return; }
    if (ev.type === "card_update") setFinal(ev.cardId, ev.text);
    else if (ev.type === "message") { renderBot(ev); unlockAll(); }
  }

  function post(body, attempt) {
    body.userId = userId;
    body.clientMsgId = body.clientMsgId || rid(12);
    return fetch("/webhooks/web", { method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); })
      .catch(function (e) {
        // Same clientMsgId on retry: the server ignores a duplicate if the first one got through.
        if ((attempt || 0) < 2) return new Promise(function (res) { setTimeout(res, 800); }).then(function () { return post(body, (attempt || 0) + 1); });
        system("发送失败（" + e.message + "），请重试");
      });
  }
  function tap(cardId, b, row) {
    Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) { x.disabled = true; });
    row.dataset.locked = String(Date.now());
    var id = rid(12);
    renderUser({ id: id, tap: b.label });
    post({ key: b.key, cardId: cardId, clientMsgId: id });
  }
  // A tap locks its card until the bot answers; unlock if the answer did not finalize it.
  function unlockAll() {
    Array.prototype.forEach.call(chat.querySelectorAll(".buttons[data-locked]"), function (row) {
      row.removeAttribute("data-locked");
      Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) { x.disabled = false; });
    });
  }

  function loadHistory() {
    return fetch("/simulator/api/history?userId=" + encodeURIComponent(userId), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (h) {
        h.items.forEach(function (it) { if (it.from === "bot") renderBot(it); else renderUser(it); });
        ready = true;
        buffer.splice(0).forEach(onPush);
        // A first visit greets the bot like opening the chat in WeCom does.
        if (h.items.length === 0 && !entered) { entered = true; post({ enter: true }); }
      })
      .catch(function (e) { system("加载记录失败（" + e.message + "）"); });
  }
  function connect() {
    setStatus("connecting", "连接中…");
    es = new EventSource("/simulator/api/stream?userId=" + encodeURIComponent(userId));
    // "ready" comes once the subscription is live: load history then, so nothing falls in between.
    es.addEventListener("ready", function () { setStatus("live", "在线"); loadHistory(); });
    es.onmessage = function (m) { onPush(JSON.parse(m.data)); };
    es.onerror = function () { setStatus("offline", "重连中…"); };
  }
  function restart(note) {
    chat.textContent = ""; seen = {}; cards = {}; finals = {}; buffer = []; ready = false; entered = false;
    if (note) system(note);
    loadHistory();
  }

  function roleText(p) {
    return p.roles.map(function (r) { return r.label + (r.town ? "（" + r.town + "）" : "") + (r.enterprise ? " · " + r.enterprise : "") + (r.agency ? " · " + r.agency : ""); }).join("；");
  }
  function loadPersonas() {
    return fetch("/simulator/api/personas", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        $("reset").hidden = !d.canReset;
        // Production (no reset) signs in; sign-out revokes the session server-side.
        $("signout").hidden = d.canReset;
        var groups = {}, order = [];
        var none = el("option", "", "— 选择身份 —"); none.value = ""; select.appendChild(none);
        var found = false;
        d.personas.forEach(function (p) {
          var g = p.roles.length ? p.roles[0].label : "访客（未登记）";
          if (!groups[g]) { groups[g] = el("optgroup"); groups[g].label = g; order.push(g); }
          var o = el("option", "", p.name + (p.title ? " · " + p.title : "")); o.value = p.userId;
          groups[g].appendChild(o);
          if (p.userId === userId) { found = true; $("who").textContent = p.name + (p.roles.length ? " — " + roleText(p) : ""); }
        });
        order.forEach(function (g) { select.appendChild(groups[g]); });
        if (userId && !found) {
          var o = el("option", "", "新用户 " + userId); o.value = userId; select.appendChild(o);
          $("who").textContent = "新用户（未登记，首次发消息时自动建档）";
        }
        var n = el("option", "", "＋ 新用户…"); n.value = "__new__"; select.appendChild(n);
        select.value = userId;
      });
  }
  select.addEventListener("change", function () {
    var v = select.value === "__new__" ? "web-guest-" + rid(4) : select.value;
    if (v) location.assign("?as=" + encodeURIComponent(v));
  });
  $("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || !userId) return;
    input.value = "";
    var id = rid(12);
    renderUser({ id: id, text: text });
    post({ text: text, clientMsgId: id });
  });
  $("reset").addEventListener("click", function () {
    if (!confirm("清空所有会话、申请和消息，并恢复演示人员？")) return;
    fetch("/simulator/api/reset", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: "{}" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); })
      .catch(function (e) { system("重置失败（" + e.message + "）"); });
  });

  loadPersonas().then(function () {
    if (!userId) { setStatus("idle", "未选择身份"); system("请先在上方选择一个身份"); input.disabled = true; return; }
    sessionStorage.setItem("sim.as", userId);
    if (params.get("as") !== userId) history.replaceState(null, "", "?as=" + encodeURIComponent(userId));
    connect();
  });
})();
`;
