// Business self-check: pick a business type or describe a situation; items come from /api/items.
(function () {
  "use strict";
  var types = document.getElementById("types");
  var list = document.getElementById("list");
  var empty = document.getElementById("empty");
  var summary = document.getElementById("summary");
  var input = document.getElementById("q");
  var current = "";
  var latest = 0;  // only the newest request may fill the list (answers can arrive out of order)

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function row(dl, label, value) {
    if (!value) return;
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", null, value));
  }

  function render(data, title) {
    list.textContent = "";
    empty.hidden = true;
    if (!data.items || !data.items.length) {
      empty.hidden = false;
      empty.textContent = data.message || "没有找到相关事项。";
      summary.textContent = "";
      return;
    }
    summary.textContent = title + "：共 " + data.items.length + " 项";
    data.items.forEach(function (item, i) {
      var li = el("li", "item");
      var h = el("h3");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.setAttribute("aria-label", "已自查第" + (i + 1) + "项");
      h.appendChild(box);
      h.appendChild(el("span", null, (i + 1) + ". " + item.behavior));
      li.appendChild(h);
      var tags = el("div");
      tags.appendChild(el("span", "tag", item.domain));
      tags.appendChild(el("span", "tag", item.origin_label));
      li.appendChild(tags);
      var dl = el("dl");
      row(dl, "查什么", item.check_hint);
      row(dl, "怎么改", item.fix_hint);
      row(dl, "免罚条件", item.conditions);
      row(dl, item.penalty_label, item.penalty_range);
      row(dl, "罚款条件", item.fine_condition);
      row(dl, "罚款与改正", item.correction_note);
      row(dl, "法律依据", item.legal_basis);
      row(dl, "处罚依据", item.penalty_basis);
      row(dl, "执法部门", item.enforcer);
      li.appendChild(dl);
      list.appendChild(li);
    });
  }

  // One page of /api/items (at most 100); a business type with more items is read page by page.
  function page(params, offset) {
    var qs = new URLSearchParams(params);
    qs.set("limit", "100");
    qs.set("offset", String(offset));
    return fetch("/api/items?" + qs.toString())
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); });
  }

  function load(params, title) {
    var ticket = ++latest;
    var all = [];
    summary.textContent = "加载中…";
    function next(offset) {
      return page(params, offset).then(function (r) {
        if (!r.ok) return r;
        all = all.concat(r.d.items);
        if (r.d.items.length && all.length < r.d.total && !params.q) return next(all.length);
        r.d.items = all;
        return r;
      });
    }
    next(0)
      .then(function (r) {
        if (ticket !== latest) return;
        if (!r.ok) { render({ items: [], message: r.d.detail || "查询失败，请稍后再试" }, title); return; }
        render(r.d, title);
      })
      .catch(function () {
        if (ticket === latest) render({ items: [], message: "网络不太好，请检查网络后重试" }, title);
      });
  }

  function selectType(name, button) {
    current = name;
    Array.prototype.forEach.call(types.children, function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
    load({ business_type: name }, name);
  }

  fetch("/api/items/facets").then(function (r) { return r.json(); }).then(function (f) {
    f.business_types.forEach(function (t) {
      var b = el("button", null, t.name + "（" + t.count + "）");
      b.type = "button";
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () { selectType(t.name, b); });
      types.appendChild(b);
    });
    if (types.firstChild) types.firstChild.click();
  }).catch(function () { empty.hidden = false; empty.textContent = "加载失败，请刷新页面重试"; });

  document.getElementById("search").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q) { if (current) load({ business_type: current }, current); return; }
    Array.prototype.forEach.call(types.children, function (b) { b.setAttribute("aria-pressed", "false"); });
    load({ q: q }, "“" + q + "”的搜索结果");
  });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
})();
