// MotCua officer console: live thread updates (polling) and keyboard navigation of the queue.
// Everything received from the server is inserted as text (textContent), never as HTML.
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function renderMessage(m) {
    var li = el("li", "msg " + m.author);
    li.setAttribute("data-id", String(m.id));
    var meta = el("div", "meta");
    meta.appendChild(el("span", "author", m.author_label + (m.officer ? " (" + m.officer + ")" : "")));
    var t = el("time", null, m.at_local || "");
    t.setAttribute("datetime", m.at || "");
    meta.appendChild(t);
    if (m.delivery) {
      var d = el("span", "delivery d-" + m.delivery, m.delivery_label);
      d.setAttribute("data-delivery-for", String(m.id));
      meta.appendChild(d);
    }
    li.appendChild(meta);
    if (m.text) li.appendChild(el("div", "text", m.text));
    (m.attachments || []).forEach(function (a) {
      var box = el("div", "attachment");
      if (a.url && a.url.indexOf("/officer/media/") === 0) {
        var link = el("a");
        link.href = a.url; link.target = "_blank"; link.rel = "noopener";
        var img = el("img");
        img.src = a.url; img.alt = "Ảnh " + (a.name || "");
        link.appendChild(img);
        box.appendChild(link);
      }
      if (a.name) box.appendChild(el("span", "filename", a.name));
      if (a.problem) box.appendChild(el("span", "flag", a.problem));
      li.appendChild(box);
    });
    return li;
  }

  function startPolling(thread) {
    var url = thread.getAttribute("data-poll");
    var after = parseInt(thread.getAttribute("data-after") || "0", 10) || 0;
    var state = document.getElementById("live-state");
    var busy = false;
    thread.scrollTop = thread.scrollHeight;
    function tick() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url + "?after=" + after, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) {
          var atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
          (data.messages || []).forEach(function (m) {
            if (thread.querySelector('li[data-id="' + m.id + '"]')) return;
            thread.appendChild(renderMessage(m));
            after = Math.max(after, m.id);
          });
          Object.keys(data.delivery || {}).forEach(function (id) {
            var badge = thread.querySelector('[data-delivery-for="' + id + '"]');
            var value = data.delivery[id];
            if (badge && !badge.classList.contains("d-" + value)) {
              badge.className = "delivery d-" + value;
              badge.textContent = (data.delivery_labels || {})[value] || value;
            }
          });
          var status = document.getElementById("status");
          if (status && data.status_label && status.textContent !== data.status_label) {
            status.textContent = data.status_label;
            status.className = "status s-" + data.status;
          }
          if (atBottom) thread.scrollTop = thread.scrollHeight;
          if (state) state.textContent = "Tin nhắn mới tự hiện, không cần tải lại trang.";
        })
        .catch(function () { if (state) state.textContent = "Mất kết nối; đang thử lại…"; })
        .then(function () { busy = false; });
    }
    setInterval(tick, 2000);
  }

  function queueKeys(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var links = rows.map(function (r) { return r.querySelector("a"); });
    var i = -1;
    document.addEventListener("keydown", function (e) {
      var tag = (e.target && e.target.tagName) || "";
      if (/INPUT|SELECT|TEXTAREA/.test(tag) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key !== "j" && e.key !== "k") return;
      if (!rows.length) return;
      if (i >= 0) rows[i].classList.remove("selected");
      i = e.key === "j" ? Math.min(i + 1, rows.length - 1) : Math.max(i - 1, 0);
      rows[i].classList.add("selected");
      if (links[i]) links[i].focus();
      e.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var thread = document.getElementById("thread");
    if (thread && thread.getAttribute("data-poll")) startPolling(thread);
    var queue = document.getElementById("queue") || document.getElementById("inbox");
    if (queue) queueKeys(queue);
  });
})();

// Confirmations (forms with data-confirm), canned replies inserted into the reply box, and the
// inbox's waiting timers (elements with data-since and data-sla-s), refreshed every second.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function waited(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
  }

  function tickTimers() {
    var now = Date.now();
    Array.prototype.forEach.call(document.querySelectorAll("[data-since]"), function (node) {
      var since = Date.parse(node.getAttribute("data-since"));
      if (isNaN(since)) return;
      var seconds = (now - since) / 1000;
      var sla = parseFloat(node.getAttribute("data-sla-s") || "0");
      var label = node.querySelector(".elapsed") || node;
      label.textContent = waited(seconds);
      if (sla > 0) {
        node.classList.toggle("sla-breached", seconds > sla);
        node.classList.toggle("sla-near", seconds <= sla && seconds > sla * 0.75);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
    var canned = document.getElementById("canned");
    var box = document.getElementById("reply-text");
    if (canned && box) {
      canned.addEventListener("change", function () {
        var opt = canned.options[canned.selectedIndex];
        var text = opt && opt.getAttribute("data-text");
        if (!text) return;
        box.value = box.value ? box.value.replace(/\s*$/, "") + "\n" + text : text;
        box.focus();
        canned.selectedIndex = 0;
      });
    }
    var nav = document.getElementById("nav-inbox");
    var badge = document.getElementById("nav-inbox-waiting");
    if (nav && badge && nav.getAttribute("data-summary")) {
      var refresh = function () {
        if (document.hidden) return;
        fetch(nav.getAttribute("data-summary"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) { if (data) badge.textContent = data.waiting ? String(data.waiting) : ""; })
          .catch(function () {});
      };
      refresh();
      setInterval(refresh, 15000);
    }
    if (document.querySelector("[data-since]")) {
      tickTimers();
      setInterval(tickTimers, 1000);
    }
  });
})();
