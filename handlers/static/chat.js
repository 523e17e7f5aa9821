// MotCua web chat: sends text, quick-reply payloads and photos; long-polls for the thread.
(() => {
  "use strict";
  const thread = document.getElementById("thread");
  const choices = document.getElementById("choices");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const photo = document.getElementById("photo");
  const status = document.getElementById("status");
  const WHO = { bot: "MotCua", officer: "Cán bộ", citizen: "Bạn" };
  let after = 0;

  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9_-]/g, "");

  function show(message) {
    const li = document.createElement("li");
    li.className = message.author;
    li.dataset.id = message.id;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = WHO[message.author] || message.author;
    li.appendChild(who);
    li.appendChild(document.createTextNode(message.text));  // text only: never HTML
    if (message.image) {
      const img = document.createElement("img");
      img.src = message.image;
      img.alt = message.author === "citizen" ? "Ảnh bạn đã gửi" : message.text;
      img.loading = "lazy";
      li.appendChild(img);
    }
    thread.appendChild(li);
    if (message.author !== "citizen") renderChoices(message.quick_replies || []);
    li.scrollIntoView({ block: "end" });
  }

  function renderChoices(list) {
    choices.replaceChildren();
    for (const q of list) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = q.title;
      b.addEventListener("click", () => { choices.replaceChildren(); send({ payload: q.payload, text: q.title }); });
      choices.appendChild(b);
    }
  }

  async function send(body) {
    body.client_message_id = newId();
    for (let attempt = 0; attempt < 5; attempt++) {  // same id on retry: the server keeps one
      try {
        const r = await fetch("/webchat/api/messages", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        });
        if (r.ok) { status.textContent = ""; return; }
        if (r.status < 500) { status.textContent = "Tin nhắn chưa gửi được. Bạn tải lại trang giúp mình."; return; }
      } catch (e) { /* network: retry */ }
      status.textContent = "Mạng chập chờn, đang gửi lại…";
      await new Promise(res => setTimeout(res, 1000 * (attempt + 1)));
    }
    status.textContent = "Không gửi được tin nhắn. Bạn kiểm tra kết nối mạng rồi thử lại.";
  }

  async function upload(file) {
    const data = new FormData();
    data.append("client_message_id", newId());
    data.append("file", file, file.name);
    status.textContent = "Đang gửi ảnh…";
    try {
      const r = await fetch("/webchat/api/upload", { method: "POST", body: data });
      status.textContent = r.ok ? "" : "Ảnh chưa gửi được, bạn thử lại giúp mình.";
    } catch (e) { status.textContent = "Ảnh chưa gửi được, bạn kiểm tra mạng rồi thử lại."; }
  }

  async function poll() {
    for (;;) {
      try {
        const r = await fetch("/webchat/api/messages?after=" + after + "&wait=20");
        if (r.ok) {
          const { messages } = await r.json();
          for (const m of messages) { if (m.id > after) { after = m.id; show(m); } }
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
    choices.replaceChildren();
    send({ text });
  });
  photo.addEventListener("change", async () => {
    const files = Array.from(photo.files);
    photo.value = "";
    for (const f of files) await upload(f);  // one by one: the order is the order chosen
  });

  poll();
  fetch("/webchat/api/messages?after=0&wait=0").then(r => r.json()).then(({ messages }) => {
    if (!messages.length && after === 0) send({ text: "Xin chào" });  // open the conversation
  }).catch(() => {});
})();
