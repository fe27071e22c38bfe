// The WeChat-style chat. The server issues the conversation id (POST /api/sessions); every
// message carries its own id, so a retry is answered once; a reload shows the history.
// Everything from the server is inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var MAX = 500;
  var FOLD_AT = 240;          // longer answers are folded behind 展开
  var TIMEOUT_MS = 30000;
  var SEPARATOR_GAP_MS = 5 * 60 * 1000;
  var KEY = "wxbot_session";
  var session = null;
  var lastStamp = 0;

  var T = {
    typing: "正在输入…",
    failed: "发送失败",
    retry: "重发",
    tooLong: "您的问题太长了（最多500字），请精简后再发送",
    offline: "网络不太好，消息没有发出去。点“重发”再试一次。",
    busy: "系统繁忙，请稍后点“重发”再试；着急的话可以拨打12345政务服务热线咨询。",
    expired: "会话已过期，已为您开始新的对话。",
    helpful: "这个回答有帮助吗？",
    up: "有帮助",
    down: "没帮助",
    thanks: "感谢您的反馈！",
    whatWrong: "哪里不对？（可选，不要填写手机号等个人信息）",
    submit: "提交",
    more: "展开",
    less: "收起",
    earlier: "以上是之前的对话",
    source: "来源："
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function button(label, cls, onClick) {
    var b = el("button", cls, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function storedSession() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function storeSession(id) { try { id ? localStorage.setItem(KEY, id) : localStorage.removeItem(KEY); } catch (e) {} }

  function stamp(when) {
    var t = when ? new Date(when) : new Date();
    if (t.getTime() - lastStamp < SEPARATOR_GAP_MS) return;
    lastStamp = t.getTime();
    var hh = ("0" + t.getHours()).slice(-2), mm = ("0" + t.getMinutes()).slice(-2);
    log.appendChild(el("div", "stamp", hh + ":" + mm));
  }

  function addRow(kind, content) {
    var row = el("div", "row " + kind);
    if (kind.indexOf("bot") === 0) row.appendChild(el("div", "avatar", "执法"));
    row.appendChild(content);
    log.appendChild(row);
    scroll();
    return row;
  }

  // `text` as text nodes, with the addresses the server allowed (msg.links) as links.
  function linkedText(node, text, links) {
    var rest = String(text);
    while (links && links.length) {
      var at = -1, url = null;
      links.forEach(function (u) {
        var i = rest.indexOf(u);
        if (i >= 0 && (at < 0 || i < at)) { at = i; url = u; }
      });
      if (url === null || !/^https?:\/\//i.test(url)) break;
      node.appendChild(document.createTextNode(rest.slice(0, at)));
      var a = el("a", null, url);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      node.appendChild(a);
      rest = rest.slice(at + url.length);
    }
    node.appendChild(document.createTextNode(rest));
    return node;
  }

  function textBubble(text, links) {
    var bubble = el("div", "bubble");
    var body = linkedText(el("div", "text"), text || "", links);
    bubble.appendChild(body);
    if (text && text.length > FOLD_AT) {
      body.classList.add("folded");
      var toggle = button(T.more, "fold", function () {
        var folded = body.classList.toggle("folded");
        toggle.textContent = folded ? T.more : T.less;
        toggle.setAttribute("aria-expanded", folded ? "false" : "true");
      });
      toggle.setAttribute("aria-expanded", "false");
      bubble.appendChild(toggle);
    }
    return bubble;
  }

  function renderCard(card) {
    var box = el("div", "card " + (card.kind || ""));
    box.appendChild(el("h3", null, card.title || "详情"));
    var dl = el("dl");
    (card.fields || []).forEach(function (f) {
      if (!f.value) return;
      dl.appendChild(el("dt", null, f.label));
      dl.appendChild(el("dd", null, f.value));
    });
    box.appendChild(dl);
    if (card.note) box.appendChild(el("div", "note", card.note));
    if (card.source) box.appendChild(el("div", "source", T.source + card.source));
    return box;
  }

  function renderMessage(msg) {
    if (msg.type === "card" && msg.card) { addRow("bot", renderCard(msg.card)); return; }
    // A buttons message without text holds the buttons of the card before it.
    var bubble = msg.text ? textBubble(msg.text, msg.links) : el("div", "bubble actions");
    if (msg.type === "buttons" && msg.buttons && msg.buttons.length) {
      var group = el("div", "buttons");
      msg.buttons.forEach(function (b) {
        group.appendChild(button(b.title, "quick", function () { ask(b.payload, b.title); }));
      });
      bubble.appendChild(group);
    }
    addRow("bot", bubble);
  }

  function feedbackBar(messageId) {
    var bar = el("div", "feedback");
    bar.appendChild(el("span", null, T.helpful));
    function rate(rating, comment) {
      return post("/api/feedback", {
        session_id: session, message_id: messageId, rating: rating, comment: comment || ""
      }).then(function (r) {
        if (r.ok) { bar.textContent = ""; bar.appendChild(el("span", "done", T.thanks)); }
      });
    }
    var up = button("👍", "rate", function () { rate("up"); });
    up.setAttribute("aria-label", T.up);
    var down = button("👎", "rate", function () {
      rate("down").then(function () {
        var box = el("form", "why");
        var why = el("input");
        why.maxLength = 200;
        why.placeholder = T.whatWrong;
        why.setAttribute("aria-label", T.whatWrong);
        box.appendChild(why);
        box.appendChild(el("button", null, T.submit));
        box.addEventListener("submit", function (e) {
          e.preventDefault();
          rate("down", why.value);
        });
        bar.appendChild(box);
        why.focus();
      });
    });
    down.setAttribute("aria-label", T.down);
    bar.appendChild(up);
    bar.appendChild(down);
    var row = el("div", "row bot-meta");
    row.appendChild(bar);
    log.appendChild(row);
  }

  function post(url, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        return { ok: res.ok, status: res.status, data: data };
      });
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function newSession() {
    return post("/api/sessions", {}).then(function (r) {
      if (!r.ok || !r.data.session_id) throw new Error("no session");
      session = r.data.session_id;
      storeSession(session);
      return session;
    });
  }

  // One message: shown at once, kept with a retry control when it could not be answered.
  function ask(text, shown) {
    text = (text || "").trim();
    if (!text) return;
    if (text.length > MAX) { addRow("bot error", textBubble(T.tooLong)); return; }
    var pending = { text: text, id: newId(), row: null };
    if (shown !== null) {
      stamp();
      pending.row = addRow("user", el("div", "bubble", shown || text));
    }
    deliver(pending);
  }

  function deliver(pending) {
    var typing = addRow("bot typing", el("div", "bubble", T.typing));
    sendButton.disabled = true;
    post("/api/chat", { session_id: session, text: pending.text, message_id: pending.id })
      .then(function (r) {
        typing.remove();
        if (r.ok && r.data.messages && r.data.messages.length) {
          r.data.messages.forEach(renderMessage);
          if (pending.row) feedbackBar(pending.id);
        } else if (r.status === 401) {
          storeSession(null);
          return newSession().then(function () {
            pending.id = newId();
            if (!pending.row) { deliver(pending); return; }  // the greeting: just ask again
            failed(pending, T.expired);
          });
        } else if (r.status === 422) {
          addRow("bot error", textBubble(typeof r.data.detail === "string" ? r.data.detail : T.busy));
        } else {
          failed(pending, T.busy);
        }
      })
      .catch(function () { typing.remove(); failed(pending, T.offline); })
      .then(function () { sendButton.disabled = false; });
  }

  function failed(pending, why) {
    var row = pending.row || addRow("user", el("div", "bubble", pending.text));
    pending.row = row;
    row.classList.add("failed");
    var mark = el("div", "retry");
    mark.appendChild(el("span", null, T.failed));
    mark.appendChild(button(T.retry, "retry-button", function () {
      mark.remove();
      row.classList.remove("failed");
      deliver(pending);  // the same message id: answered once, however often it is sent
    }));
    row.insertBefore(mark, row.firstChild);
    mark.setAttribute("title", why);
    addRow("bot error", textBubble(why));
  }

  function showHistory(turns) {
    turns.forEach(function (turn) {
      stamp(turn.time);
      if (turn.text.charAt(0) !== "/") addRow("user", el("div", "bubble", turn.text));
      turn.messages.forEach(renderMessage);
    });
    log.appendChild(el("div", "stamp", T.earlier));
    scroll();
  }

  function start() {
    session = storedSession();
    var ready = session
      ? fetch("/api/sessions/" + encodeURIComponent(session) + "/history")
          .then(function (res) { return res.ok ? res.json() : { turns: [] }; })
          .catch(function () { return { turns: [] }; })
      : newSession().then(function () { return { turns: [] }; });
    ready.then(function (history) {
      if (history.turns && history.turns.length) showHistory(history.turns);
      else ask("/greet", null);  // the welcome and the hot questions, without a user bubble
    }).catch(function () { addRow("bot error", textBubble(T.busy)); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    ask(text);
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    // Enter sends; Enter that confirms an IME composition (拼音 input) does not.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  document.getElementById("human").addEventListener("click", function () { ask("转人工"); });
  document.getElementById("restart").addEventListener("click", function () {
    storeSession(null);
    log.textContent = "";
    lastStamp = 0;
    newSession().then(function () { ask("/greet", null); })
      .catch(function () { addRow("bot error", textBubble(T.busy)); });
  });

  start();
})();
