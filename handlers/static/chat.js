// MotCua web chat: sends text, quick-reply payloads and photos; long-polls for the thread.
// The history is drawn silently; only messages that arrive afterwards are announced (#announce).
// After every turn the newest bot message and its quick replies are scrolled into view.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const scroller = $("scroller");
  const thread = $("thread");
  const choices = $("choices");
  const form = $("composer");
  const input = $("text");
  const photo = $("photo");
  const photoButton = $("photo-button");
  const status = $("status");
  const pending = $("pending");
  const announce = $("announce");
  const WHO = { bot: "MotCua", officer: "Cán bộ", citizen: "Bạn" };
  const MAX_TEXT = parseInt(document.body.dataset.maxText, 10) || 4000;
  const number = (n) => n.toLocaleString("vi-VN");
  let after = 0;

  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9_-]/g, "");

  function say(text, warn) {
    status.textContent = text;
    status.classList.toggle("warn", Boolean(warn));
  }

  function stamp(iso) {
    const t = document.createElement("time");
    const d = iso ? new Date(iso) : new Date();
    t.dateTime = d.toISOString();
    const hm = d.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
    const today = new Date().toDateString() === d.toDateString();
    t.textContent = today ? hm : hm + " " + d.toLocaleDateString("vi-VN", { day: "2-digit", month: "2-digit" });
    t.title = d.toLocaleString("vi-VN");
    return t;
  }

  function show(message) {
    const who = WHO[message.author] || message.author;
    const li = document.createElement("li");
    li.className = message.author;
    li.dataset.id = message.id;
    const head = document.createElement("span");
    head.className = "who";
    const name = document.createElement("span");
    name.textContent = who;
    head.append(name, stamp(message.at));
    li.append(head, document.createTextNode(message.text));  // text only: never HTML
    thread.appendChild(li);
    if (message.image) {
      const img = document.createElement("img");
      img.src = message.image;
      img.alt = message.author === "citizen" ? "Ảnh bạn đã gửi" : message.text;
      img.addEventListener("load", () => anchor());  // its height arrives late
      li.appendChild(img);
    }
    if (message.author !== "citizen") {
      pendingOff();
      renderChoices(message.quick_replies || []);
    }
  }

  // Keep the newest bot message and its buttons in view: the bottom of the thread when they fit,
  // otherwise the top of that message (the citizen reads down to the buttons).
  function anchor() {
    const bots = thread.querySelectorAll("li.bot, li.officer");
    const last = bots[bots.length - 1];
    const bottom = scroller.scrollHeight - scroller.clientHeight;
    if (!last) { scroller.scrollTop = bottom; return; }
    const top = last.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop - 8;
    scroller.scrollTop = scroller.scrollHeight - top <= scroller.clientHeight ? bottom : top;
  }

  function renderChoices(list) {
    choices.replaceChildren();
    for (const q of list) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = q.title;
      b.addEventListener("click", (ev) => {
        choices.replaceChildren();
        // Focus stays in the composer; on a touch screen the choices group keeps it instead, so
        // that the on-screen keyboard does not open over the answer.
        if (ev.pointerType === "touch") choices.focus({ preventScroll: true });
        else input.focus({ preventScroll: true });
        send({ payload: q.payload, text: q.title });
      });
      choices.appendChild(b);
    }
  }

  function pendingOn(text) {
    $("pending-text").textContent = text;
    pending.hidden = false;
    anchor();
  }
  function pendingOff() { pending.hidden = true; }

  async function send(body) {
    body.client_message_id = newId();
    for (let attempt = 0; attempt < 5; attempt++) {  // same id on retry: the server keeps one
      try {
        const r = await fetch("/webchat/api/messages", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        });
        if (r.ok) {
          const answer = await r.json().catch(() => ({}));
          say(answer.notice || "", Boolean(answer.notice));
          return;
        }
        if (r.status < 500) {
          const answer = await r.json().catch(() => ({}));
          say(answer.message || "Tin nhắn chưa gửi được. Bạn tải lại trang giúp mình.", true);
          return;
        }
      } catch (e) { /* network: retry */ }
      say("Mạng chập chờn, đang gửi lại…");
      await new Promise(res => setTimeout(res, 1000 * (attempt + 1)));
    }
    say("Không gửi được tin nhắn. Bạn kiểm tra kết nối mạng rồi thử lại.", true);
  }

  async function upload(file) {
    const data = new FormData();
    data.append("client_message_id", newId());
    data.append("file", file, file.name);
    choices.replaceChildren();
    pendingOn("Đang gửi ảnh…");
    try {
      const r = await fetch("/webchat/api/upload", { method: "POST", body: data });
      if (r.ok) { say(""); pendingOn("Đang kiểm tra ảnh…"); return; }
      const answer = await r.json().catch(() => ({}));
      say(answer.message || "Ảnh chưa gửi được, bạn thử lại giúp mình.", true);
    } catch (e) { say("Ảnh chưa gửi được, bạn kiểm tra mạng rồi thử lại.", true); }
    pendingOff();
  }

  function pin(code) {
    if (!code) return;
    $("pinned-code").textContent = code;
    $("pinned").hidden = false;
  }

  function draw(messages, live) {
    const heard = [];
    for (const m of messages) {
      if (m.id <= after) continue;
      after = m.id;
      show(m);
      if (live && m.author !== "citizen") heard.push((WHO[m.author] || "") + ": " + m.text);
    }
    if (heard.length) announce.textContent = heard.join("\n");
    return heard.length;
  }

  async function poll() {
    for (;;) {
      try {
        const r = await fetch("/webchat/api/messages?after=" + after + "&wait=20");
        if (r.ok) {
          const data = await r.json();
          pin(data.dossier_code);
          if (data.messages.length) { draw(data.messages, true); anchor(); }
          continue;
        }
      } catch (e) { /* offline: wait and retry */ }
      await new Promise(res => setTimeout(res, 2000));
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    input.focus({ preventScroll: true });
    choices.replaceChildren();
    say("");
    send({ text });
  });
  input.addEventListener("input", () => {
    const n = input.value.trim().length;
    if (n > MAX_TEXT) {
      say("Tin nhắn dài " + number(n) + " ký tự; mình chỉ nhận " + number(MAX_TEXT)
          + " ký tự đầu, phần sau sẽ bị cắt. Bạn rút gọn hoặc gửi thành nhiều tin giúp mình.", true);
    } else if (status.classList.contains("warn") && status.textContent.includes(number(MAX_TEXT))) {
      say("");
    }
  });
  photoButton.addEventListener("click", () => photo.click());
  photo.addEventListener("change", async () => {
    const files = Array.from(photo.files);
    photo.value = "";
    // Back to the text field, except on a touch screen (the photo button keeps focus there, so
    // that the on-screen keyboard does not cover the verdict).
    if (!matchMedia("(pointer: coarse)").matches) input.focus({ preventScroll: true });
    for (const f of files) await upload(f);  // one by one: the order is the order chosen
  });
  window.addEventListener("resize", () => anchor());

  // The history first, silently; then the long poll announces what is new.
  fetch("/webchat/api/messages?after=0&wait=0").then(r => r.json()).then((data) => {
    pin(data.dossier_code);
    draw(data.messages, false);
    anchor();
    if (!data.messages.length) send({ text: "Xin chào" });  // open the conversation
  }).catch(() => {}).finally(() => {
    poll();
    if (matchMedia("(pointer: fine)").matches) input.focus({ preventScroll: true });
  });
})();
