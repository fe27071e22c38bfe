// Full-page chat: posts to /api/chat and renders text, buttons and cards.
// Everything from the server is inserted as text (never as HTML).
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var send = document.getElementById("send");
  var MAX = 500;

  function sessionId() {
    var key = "wxbot_session";
    var id = null;
    try { id = localStorage.getItem(key); } catch (e) {}
    if (!id) {
      id = "web-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
      try { localStorage.setItem(key, id); } catch (e) {}
    }
    return id;
  }
  var SESSION = sessionId();

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }

  function addRow(kind, content) {
    var row = el("div", "row " + kind);
    row.appendChild(content);
    log.appendChild(row);
    scroll();
    return row;
  }

  function renderCard(card) {
    var box = el("div", "card");
    box.appendChild(el("h3", null, card.title || "详情"));
    var dl = el("dl");
    (card.fields || []).forEach(function (f) {
      dl.appendChild(el("dt", null, f.label));
      dl.appendChild(el("dd", null, f.value));
    });
    box.appendChild(dl);
    if (card.note) box.appendChild(el("div", "note", card.note));
    return box;
  }

  function renderMessage(msg) {
    if (msg.type === "card" && msg.card) { addRow("bot", renderCard(msg.card)); return; }
    var bubble = el("div", "bubble", msg.text || "");
    if (msg.type === "buttons" && msg.buttons && msg.buttons.length) {
      var group = el("div", "buttons");
      msg.buttons.forEach(function (b) {
        var btn = el("button", null, b.title);
        btn.type = "button";
        btn.addEventListener("click", function () { ask(b.payload, b.title); });
        group.appendChild(btn);
      });
      bubble.appendChild(group);
    }
    addRow("bot", bubble);
  }

  function ask(text, shown) {
    text = (text || "").trim();
    if (!text) return;
    if (text.length > MAX) { addRow("error", el("div", "bubble", "您的问题太长了（最多500字），请精简后再发送")); return; }
    if (shown !== null) addRow("user", el("div", "bubble", shown || text));
    var typing = addRow("bot typing", el("div", "bubble", "正在输入…"));
    send.disabled = true;
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: SESSION, text: text })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (r) {
      typing.remove();
      if (r.data && r.data.messages && r.data.messages.length) {
        r.data.messages.forEach(function (m) { r.ok ? renderMessage(m) : addRow("error", el("div", "bubble", m.text || "")); });
      } else {
        addRow("error", el("div", "bubble", (r.data && typeof r.data.detail === "string") ? r.data.detail : "系统繁忙，请稍后再试"));
      }
    }).catch(function () {
      typing.remove();
      addRow("error", el("div", "bubble", "网络不太好，消息没有发出去，请检查网络后重试"));
    }).then(function () { send.disabled = false; input.focus(); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    ask(text);
  });

  ask("/greet", null);  // the welcome message, without a user bubble
})();
