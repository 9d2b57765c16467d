// Web chat, enhanced: new messages arrive by long polling (the page still works by sending and refreshing).
const form = document.querySelector("form[data-chat-poll]");
const list = document.getElementById("transcript");
const statusLine = document.getElementById("chat-status");

function add(message) {
  if (list.querySelector(`li[data-id="${message.id}"]`)) return;
  list.querySelector(".ffw-chat-empty")?.remove();
  const item = document.createElement("li");
  item.dataset.id = message.id;
  const who = document.createElement("strong");
  who.textContent = message.who;
  item.append(who, ` (${message.at}): `, message.text);
  list.append(item);
  list.dataset.last = message.id;
}

async function poll() {
  const after = list.dataset.last || "0";
  try {
    const response = await fetch(`${form.dataset.chatPoll}?after=${after}&wait=15`, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    data.messages.forEach(add);
    if (data.status === "ended") {
      if (statusLine) statusLine.textContent = "This chat has ended.";
      form.hidden = true;
      return;
    }
    if (data.status === "answered" && statusLine && statusLine.dataset.answered) {
      statusLine.textContent = statusLine.dataset.answered;
    }
  } catch (error) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  poll();
}

if (form && list) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.querySelector("input[name=text]");
    if (!input.value.trim()) {
      form.submit();
      return;
    }
    const body = new FormData(form);
    input.value = "";
    await fetch(form.action || window.location.href, { method: "POST", body, redirect: "manual" });
  });
  poll();
}
