// Lotse playground: one phone-like column per person, kept in step with the fake Telegram by
// polling. Every message keeps its element by id, so a message the bot edits changes in place.
"use strict";

const pollInterval = 700; // ms between two looks at every chat
const narrow = window.matchMedia("(max-width: 760px)");

const chatsEl = document.getElementById("chats");
const tabsEl = document.getElementById("tabs");
const statusEl = document.getElementById("status");
const template = document.getElementById("chat-template");

const columns = new Map(); // person id → column
let activeId = null;       // the column shown on a narrow window

const documentIcon = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M7 3h7l5 5v13H7z M14 3v5h5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/></svg>';

// api calls the playground's JSON API and returns the decoded answer, or throws an Error
// with the server's explanation.
async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  if (!res.ok) {
    let reason = text || res.statusText;
    try {
      reason = JSON.parse(text).error || reason;
    } catch {
      // not JSON: a refusal from the server's front door, shown as it is
    }
    throw new Error(reason);
  }
  return { data: JSON.parse(text), text };
}

// poll looks at the people, the clock and every chat, then schedules the next look.
async function poll() {
  try {
    const { data } = await api("GET", "/api/people");
    showHeader(data);
    syncColumns(data.people);
    await Promise.all(data.people.map((p) => refresh(p.id)));
    statusEl.textContent = "";
  } catch (err) {
    statusEl.textContent = "The playground does not answer. Is “lotse playground” still running?";
  } finally {
    setTimeout(poll, pollInterval);
  }
}

function showHeader(state) {
  document.getElementById("town").textContent = state.town;
  if (state.translation !== undefined) {
    const translation = document.getElementById("translation");
    translation.textContent = state.translation ? "🌐 " + state.translation : "🌐 translation off";
    translation.title = state.translation
      ? "Free text is machine-translated by " + state.translation
      : "No machine translation: start the playground with -translate-url to use a LibreTranslate server";
    translation.classList.toggle("off", !state.translation);
  }
  const clock = document.getElementById("clock-text");
  clock.textContent = state.clock.text;
  clock.dateTime = state.clock.now;
  clock.title = state.clock.zone;
  document.getElementById("clock-advanced").textContent = state.clock.advanced ? "+" + state.clock.advanced : "";
}

// syncColumns adds a column for everyone who has none yet, in the server's order.
function syncColumns(people) {
  for (const person of people) {
    if (!columns.has(person.id)) {
      columns.set(person.id, newColumn(person));
    }
  }
  if (activeId === null && people.length > 0) {
    select(people[0].id);
  }
}

function newColumn(person) {
  const el = template.content.firstElementChild.cloneNode(true);
  const col = {
    person,
    el,
    messagesEl: el.querySelector(".messages"),
    input: el.querySelector(".input"),
    errorEl: el.querySelector(".composer-error"),
    replyingEl: el.querySelector(".replying"),
    rows: new Map(), // message id → { el, key }
    lastJSON: "",
    asked: 0, // looks at the chat started
    shown: 0, // the newest look shown
    replyTo: 0,
    stickToBottom: true, // follow new messages unless the reader scrolled up
    autoScrollTop: -1,   // where scrollToBottom last put the chat
  };
  el.classList.add(person.role);
  el.setAttribute("aria-label", `Chat of ${person.name}`);
  el.querySelector(".avatar").textContent = Array.from(person.name)[0] || "?";
  el.querySelector(".name").textContent = person.name;
  el.querySelector(".meta").textContent = [person.language || "no language", person.role, person.id].join(" · ");
  col.input.setAttribute("aria-label", `Message as ${person.name}`);

  const form = el.querySelector(".composer");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sendText(col);
  });
  col.input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      sendText(col);
    }
  });
  col.input.addEventListener("input", () => fitInput(col.input));
  el.querySelector(".cancel-reply").addEventListener("click", () => setReply(col, null));
  const fileInput = el.querySelector(".file-input");
  el.querySelector(".attach").addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    if (fileInput.files.length > 0) {
      sendFile(col, fileInput.files[0]);
    }
    fileInput.value = "";
  });
  col.messagesEl.addEventListener("scroll", () => {
    const m = col.messagesEl;
    if (m.scrollTop === col.autoScrollTop) {
      return; // our own scroll, perhaps seen after a picture made the chat taller
    }
    col.stickToBottom = m.scrollHeight - m.scrollTop - m.clientHeight < 40;
  });

  chatsEl.append(el);

  const tab = document.createElement("button");
  tab.type = "button";
  tab.className = "tab";
  tab.setAttribute("role", "tab");
  tab.textContent = person.name;
  tab.dir = "auto";
  tab.addEventListener("click", () => select(person.id));
  tabsEl.append(tab);
  col.tab = tab;
  return col;
}

// select shows one person's chat on a narrow window.
function select(id) {
  activeId = id;
  for (const [pid, col] of columns) {
    col.el.classList.toggle("active", pid === id);
    col.tab.setAttribute("aria-selected", String(pid === id));
  }
  const col = columns.get(id);
  if (col) {
    scrollToBottom(col);
  }
}

function fitInput(input) {
  input.style.height = "auto";
  input.style.height = input.scrollHeight + "px";
}

// refresh fetches one chat and redraws what changed.
async function refresh(id) {
  const col = columns.get(id);
  if (!col) {
    return;
  }
  // An earlier look may come back after a later one; only the latest counts.
  const asked = ++col.asked;
  const { data, text } = await api("GET", `/api/people/${id}/chat`);
  if (asked < col.shown) {
    return;
  }
  col.shown = asked;
  if (text !== col.lastJSON) {
    col.lastJSON = text;
    showMessages(col, data.messages);
  }
  // Pictures and fonts that arrive late make the chat grow; stay with the newest message.
  if (col.stickToBottom) {
    scrollToBottom(col);
  }
}

// soon looks at a chat again shortly, so the bot's answer shows without waiting for the poll.
function soon(col) {
  for (const delay of [120, 350]) {
    setTimeout(() => refresh(col.person.id).catch(() => {}), delay);
  }
}

function showMessages(col, messages) {
  const list = col.messagesEl;
  const byId = new Map(messages.map((m) => [m.id, m]));
  const seen = new Set();
  let previous = null;
  let previousDay = "";

  let empty = list.querySelector(".empty-chat");
  if (messages.length === 0 && !empty) {
    empty = document.createElement("p");
    empty.className = "empty-chat";
    empty.textContent = "No messages yet. Send /start to begin.";
    list.append(empty);
  } else if (messages.length > 0 && empty) {
    empty.remove();
  }

  for (const m of messages) {
    const showDay = m.day !== previousDay;
    previousDay = m.day;
    const quoted = m.replyTo ? byId.get(m.replyTo) : undefined;
    const key = JSON.stringify([m, showDay, quoted ? summary(quoted) : ""]);
    let row = col.rows.get(m.id);
    if (!row || row.key !== key) {
      const el = messageRow(col, m, showDay, quoted);
      if (row) {
        row.el.replaceWith(el);
      }
      row = { el, key };
      col.rows.set(m.id, row);
    }
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (expected !== row.el) {
      list.insertBefore(row.el, expected);
    }
    previous = row.el;
    seen.add(m.id);
  }
  for (const [id, row] of col.rows) {
    if (!seen.has(id)) {
      row.el.remove();
      col.rows.delete(id);
    }
  }
}

function scrollToBottom(col) {
  col.messagesEl.scrollTop = col.messagesEl.scrollHeight;
  col.autoScrollTop = col.messagesEl.scrollTop;
  col.stickToBottom = true;
}

// messageRow draws one message: the bubble, its reply action and its inline keyboard.
function messageRow(col, m, showDay, quoted) {
  const row = document.createElement("div");
  row.className = "row " + m.from;
  row.dataset.id = m.id;
  if (showDay) {
    const chip = document.createElement("div");
    chip.className = "day-chip";
    chip.textContent = m.day;
    row.append(chip);
  }

  // The stack holds the bubble and its keyboard, which share one width as on a phone.
  const stack = document.createElement("div");
  stack.className = "stack";
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  // Each bubble reads in its own direction: an Arabic message right to left, a German one
  // left to right, whichever page or column it is in.
  bubble.dir = textDirection(m.text || describe(m));

  if (quoted) {
    const quote = document.createElement("div");
    quote.className = "quote";
    quote.dir = "auto";
    quote.textContent = summary(quoted);
    bubble.append(quote);
  }
  if (m.file && m.file.picture) {
    const img = document.createElement("img");
    img.className = "photo";
    img.src = m.file.url;
    img.alt = "Photo";
    img.addEventListener("load", () => col.stickToBottom && scrollToBottom(col));
    bubble.append(img);
  } else if (m.file) {
    const link = document.createElement("a");
    link.className = "document";
    link.href = m.file.url;
    link.download = m.file.name || "";
    link.title = kindLabel(m.kind);
    link.innerHTML = documentIcon;
    const name = document.createElement("span");
    name.dir = "auto";
    name.textContent = m.file.name || kindLabel(m.kind);
    link.append(name);
    bubble.append(link);
  }
  // The time sits beside a short text and under a long one, as on a phone.
  const body = document.createElement("div");
  body.className = "body";
  if (m.text || !m.file) {
    const text = document.createElement("div");
    text.className = "text";
    text.textContent = m.text || describe(m);
    text.classList.toggle("muted", !m.text);
    body.append(text);
  }
  const stamp = document.createElement("span");
  stamp.className = "stamp";
  stamp.textContent = (m.edited ? "edited " : "") + m.time;
  body.append(stamp);
  bubble.append(body);

  const reply = document.createElement("button");
  reply.type = "button";
  reply.className = "reply";
  reply.textContent = "↩";
  reply.title = "Reply";
  reply.setAttribute("aria-label", "Reply to this message");
  reply.addEventListener("click", () => setReply(col, m));
  stack.append(bubble, reply);

  if (m.reactions && m.reactions.length > 0) {
    stack.append(reactions(m.reactions));
  }
  if (m.buttons && m.buttons.length > 0) {
    stack.append(keyboard(col, m));
  }
  row.append(stack);
  return row;
}

function keyboard(col, m) {
  const kb = document.createElement("div");
  kb.className = "keyboard";
  for (const buttons of m.buttons) {
    const r = document.createElement("div");
    r.className = "keyboard-row";
    for (const b of buttons) {
      r.append(key(col, m, b));
    }
    kb.append(r);
  }
  return kb;
}

// key draws one inline button: a callback button presses, a link button opens the link.
function key(col, m, b) {
  if (b.url) {
    const a = document.createElement("a");
    a.className = "key link";
    a.href = b.url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.dir = "auto";
    a.textContent = b.text;
    return a;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "key";
  button.dir = "auto";
  button.textContent = b.text;
  if (!b.data) {
    button.disabled = true;
    return button;
  }
  button.addEventListener("click", async () => {
    button.classList.add("pressed");
    setTimeout(() => button.classList.remove("pressed"), 1500);
    try {
      await api("POST", `/api/people/${col.person.id}/press`, { message: m.id, data: b.data });
      showError(col, "");
      scrollToBottom(col);
      soon(col);
    } catch (err) {
      button.classList.remove("pressed");
      showError(col, err.message);
    }
  });
  return button;
}

// reactions draws the emojis the bot put on a message, as a small chip under its bubble.
function reactions(emojis) {
  const el = document.createElement("div");
  el.className = "reactions";
  el.title = "Lotse reacted";
  el.setAttribute("aria-label", "Lotse reacted with " + emojis.join(" "));
  for (const emoji of emojis) {
    const chip = document.createElement("span");
    chip.className = "reaction";
    chip.textContent = emoji;
    el.append(chip);
  }
  return el;
}

function summary(m) {
  if (m.text) {
    return m.text.split("\n")[0];
  }
  return m.file && m.file.name ? m.file.name : describe(m);
}

// Names and signs of the kinds of messages without text. A kind the page does not know
// yet shows by its name.
const kinds = {
  text: ["", "Message"],
  photo: ["🖼", "Photo"],
  document: ["📄", "Document"],
  sticker: ["🙂", "Sticker"],
  voice: ["🎤", "Voice message"],
  audio: ["🎵", "Audio"],
  video: ["🎬", "Video"],
  video_note: ["⏺", "Video message"],
  location: ["📍", "Location"],
  contact: ["👤", "Contact"],
  copy: ["", "Copied message"],
};

function kindLabel(kind) {
  const known = Object.hasOwn(kinds, kind) ? kinds[kind] : null;
  if (known) {
    return known[1];
  }
  const name = String(kind || "").replaceAll("_", " ").trim();
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : "Message";
}

// describe says what a message without text is: "📍 Location · 52.52000, 13.40500".
function describe(m) {
  const sign = Object.hasOwn(kinds, m.kind) ? kinds[m.kind][0] : "";
  const parts = [(sign ? sign + " " : "") + kindLabel(m.kind)];
  if (m.location && Number.isFinite(m.location.latitude) && Number.isFinite(m.location.longitude)) {
    parts.push(m.location.latitude.toFixed(5) + ", " + m.location.longitude.toFixed(5));
  }
  if (m.contact) {
    parts.push(...[m.contact.name, m.contact.phone].filter(Boolean));
  }
  return parts.join(" · ");
}

// Scripts written from right to left.
const rtlLetter = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}\p{Script=Mandaic}\p{Script=Samaritan}]/u;
const letter = /\p{L}/u;

// textDirection is the direction of a text by its first letter, as dir="auto" finds it:
// marks count, and what stands in an isolate (a date or a name the bot set apart) does not.
// It is "auto" for a text without letters, such as "👍" or "14:05".
function textDirection(text) {
  let isolated = 0;
  for (const ch of text) {
    if (ch === "\u2066" || ch === "\u2067" || ch === "\u2068") {
      isolated++;
    } else if (ch === "\u2069") {
      isolated = Math.max(0, isolated - 1);
    } else if (isolated > 0) {
      continue;
    } else if (ch === "\u200f" || ch === "\u061c") {
      return "rtl";
    } else if (ch === "\u200e") {
      return "ltr";
    } else if (letter.test(ch)) {
      return rtlLetter.test(ch) ? "rtl" : "ltr";
    }
  }
  return "auto";
}

function setReply(col, m) {
  col.replyTo = m ? m.id : 0;
  col.replyingEl.hidden = !m;
  col.replyingEl.querySelector(".replying-text").textContent = m ? summary(m) : "";
  if (m) {
    col.input.focus();
  }
}

function showError(col, message) {
  col.errorEl.textContent = message;
  col.errorEl.hidden = !message;
}

async function sendText(col) {
  const text = col.input.value;
  if (text.trim() === "") {
    return;
  }
  const body = { text };
  if (col.replyTo) {
    body.replyTo = col.replyTo;
  }
  try {
    await api("POST", `/api/people/${col.person.id}/send`, body);
    col.input.value = "";
    fitInput(col.input);
    setReply(col, null);
    showError(col, "");
    scrollToBottom(col);
    soon(col);
  } catch (err) {
    showError(col, err.message);
  }
}

// sendFile sends a picture as a photo and anything else as a document; the text typed so far
// becomes its caption.
async function sendFile(col, file) {
  const form = new FormData();
  form.append("file", file);
  form.append("caption", col.input.value);
  try {
    await api("POST", `/api/people/${col.person.id}/upload`, form);
    col.input.value = "";
    fitInput(col.input);
    showError(col, "");
    scrollToBottom(col);
    soon(col);
  } catch (err) {
    showError(col, err.message);
  }
}

const addError = document.getElementById("add-error");

document.getElementById("add-person").addEventListener("input", () => {
  addError.textContent = "";
});

document.getElementById("add-person").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  addError.textContent = "";
  try {
    const { data } = await api("POST", "/api/people", {
      name: form.elements.name.value,
      language: form.elements.language.value,
    });
    form.reset();
    const state = await api("GET", "/api/people");
    syncColumns(state.data.people);
    select(data.id);
    const col = columns.get(data.id);
    col.el.scrollIntoView({ behavior: "smooth", inline: "end" });
    col.input.focus();
  } catch (err) {
    addError.textContent = err.message;
  }
});

for (const button of document.querySelectorAll("[data-advance]")) {
  button.addEventListener("click", async () => {
    try {
      const { data } = await api("POST", "/api/clock", { by: button.dataset.advance });
      showHeader({ town: document.getElementById("town").textContent, clock: data });
    } catch (err) {
      statusEl.textContent = err.message;
    }
  });
}

narrow.addEventListener("change", () => activeId !== null && select(activeId));

poll();
