// The simulator page: posts what is typed to /simulator/api/sms and shows the replies; polls the
// local outbox. Plain DOM, no framework, no build step.
(function () {
  const chat = document.getElementById("chat");
  const text = document.getElementById("text");
  const from = document.getElementById("from");
  const outbox = document.getElementById("outbox");

  function bubble(who, body, meta) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = body;
    if (meta) {
      const small = document.createElement("small");
      small.textContent = meta;
      div.appendChild(small);
    }
    chat.appendChild(div);
    chat.scrollTop = chat.scrollHeight;
  }

  async function send(event) {
    event.preventDefault();
    const body = text.value.trim();
    if (!body) return;
    text.value = "";
    bubble("me", body);
    try {
      const response = await fetch("/simulator/api/sms", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({from: from.value, text: body}),
      });
      const data = await response.json();
      (data.replies || []).forEach((r) => bubble("bot", r, data.segments + " SMS"));
    } catch (error) {
      bubble("bot", "Le service ne répond pas. Vérifiez que make run tourne.");
    }
    refreshOutbox();
  }

  async function refreshOutbox() {
    try {
      const response = await fetch("/simulator/api/outbox");
      const items = await response.json();
      outbox.replaceChildren(...items.slice().reverse().map((m) => {
        const li = document.createElement("li");
        li.textContent = `${m.sent_at.slice(11, 19)} → ${m.to}${m.subject ? " — " + m.subject : ""}\n${m.body}`;
        return li;
      }));
    } catch (error) { /* the page stays usable */ }
  }

  document.getElementById("composer").addEventListener("submit", send);
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) send(e);
  });
  refreshOutbox();
  setInterval(refreshOutbox, 3000);
})();
