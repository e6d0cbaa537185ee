// The volunteer's pages without signal: the page's side of static/js/offline-worker.js.
// On a volunteer's Today and log form (body[data-offline-worker]) it starts the worker, says
// when the page is a saved copy, and shows what is waiting to be sent; on any page served to
// someone signed out (body[data-offline-clear]) it deletes everything kept on the phone.

const body = document.body;
const DATABASE = "aligns-offline";
const SIGNING_OUT = "aligns-signing-out";

if (body.dataset.offlineClear !== undefined) {
  forget();
} else if (body.dataset.offlineWorker && "serviceWorker" in navigator) {
  start();
}

// Signed out: the pages kept go. What is still unsent goes too when the person pressed
// "Sign out" (warned first); when their sign-in simply ended, it is held for them to send once
// they sign in again (no one else's sign-in sends it), and this page says so.
async function forget() {
  for (const name of await caches.keys()) await caches.delete(name);
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      await registration.unregister();
    }
  }
  const pressed = sessionStorage.getItem(SIGNING_OUT);
  sessionStorage.removeItem(SIGNING_OUT);
  const databases = await indexedDB.databases();
  if (!databases.some((database) => database.name === DATABASE)) return;
  const held = pressed ? 0 : await holdAll();
  if (held) {
    const notice = document.querySelector("[data-offline-held]");
    if (notice) notice.hidden = false;
  } else {
    indexedDB.deleteDatabase(DATABASE);
  }
}

function holdAll() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(DATABASE);
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const db = opening.result;
      if (!db.objectStoreNames.contains("queue")) {
        db.close();
        resolve(0);
        return;
      }
      const transaction = db.transaction("queue", "readwrite");
      const queue = transaction.objectStore("queue");
      const reading = queue.getAll();
      reading.onsuccess = () => {
        for (const entry of reading.result) {
          if (entry.state === "waiting") queue.put({ ...entry, state: "held" });
        }
      };
      transaction.oncomplete = () => {
        db.close();
        resolve(reading.result.length);
      };
      transaction.onerror = () => reject(transaction.error);
    };
  });
}

function start() {
  const worker = navigator.serviceWorker;
  const savedAt = document.documentElement.dataset.offlineSavedAt;
  if (savedAt) {
    const notice = document.querySelector("[data-offline-notice]");
    notice.querySelector("[data-offline-time]").textContent = timeOfDay(new Date(savedAt));
    notice.hidden = false;
  }
  showSaved(new URLSearchParams(window.location.search).get("saved"));
  worker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "queue") showQueue(event.data);
  });
  const controlled = Boolean(worker.controller);
  worker.register(body.dataset.offlineWorker, { scope: body.dataset.offlineScope });
  worker.ready.then((registration) => {
    // The worker did not see this page load (it was not running yet): it fetches it again.
    if (!controlled && !savedAt) {
      registration.active.postMessage({ type: "keep", url: window.location.href });
    }
    registration.active.postMessage(sendMessage());
  });
  window.addEventListener("online", () => post(sendMessage()));
  guardSignOut();
}

// Signing out deletes what the phone kept, unsent entries too: the first press says so.
let unsent = 0;

function guardSignOut() {
  const form = document.querySelector(".nhsuk-header__account-form");
  const warning = document.querySelector("[data-offline-sign-out]");
  if (!form || !warning) return;
  form.addEventListener("submit", (event) => {
    if (!unsent || !warning.hidden) {
      sessionStorage.setItem(SIGNING_OUT, "1");
      return;
    }
    event.preventDefault();
    warning.hidden = false;
    warning.closest("[data-offline-status]").scrollIntoView();
  });
}

function sendMessage() {
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  return { type: "send", user: body.dataset.offlineUser, csrf: csrf ? csrf.value : "" };
}

function post(message) {
  navigator.serviceWorker.ready.then((registration) => registration.active.postMessage(message));
}

// --- The words, in the page's language (templates/visits/_offline.html) ---------------------

// The words called `name`, with each %(key)s filled in from `values`.
function words(name, values = {}) {
  const template = document.querySelector("template[data-offline-words]");
  const found = template.content.querySelector(`[data-word="${name}"]`);
  return fill(found.textContent.trim(), values);
}

// The words called `name` for `count`: given for each count up to the last, which a larger
// count takes (the language's plural forms chose them on the server).
function counted(name, count) {
  const template = document.querySelector("template[data-offline-words]");
  const forms = template.content.querySelectorAll(`[data-word="${name}"] > span`);
  return fill(forms[Math.min(count, forms.length - 1)].textContent.trim(), { count });
}

function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (placeholder, key) =>
    key in values ? String(values[key]) : placeholder,
  );
}

// "10:42am", "midday": as aligns/dates.py writes a time.
function timeOfDay(moment) {
  const hours = moment.getHours();
  const minutes = moment.getMinutes();
  if (minutes === 0 && hours === 12) return words("midday");
  if (minutes === 0 && hours === 0) return words("midnight");
  const shown = minutes ? `:${String(minutes).padStart(2, "0")}` : "";
  return words(hours < 12 ? "am" : "pm", { clock: `${hours % 12 || 12}${shown}` });
}

function showSaved(what) {
  const notice = document.querySelector(`[data-offline-saved="${what}"]`);
  if (notice) notice.hidden = false;
}

let sentSoFar = 0;

function showQueue({ entries: everyones, sent }) {
  const status = document.querySelector("[data-offline-status]");
  if (!status) return;
  const entries = everyones.filter((entry) => entry.user === body.dataset.offlineUser);
  sentSoFar += sent;
  unsent = entries.length;
  if (!unsent) status.querySelector("[data-offline-sign-out]").hidden = true;
  const waiting = entries.filter((entry) => entry.state === "waiting" || entry.state === "held");
  const refused = entries.filter((entry) => entry.state === "refused");
  const heading = status.querySelector("[data-offline-heading]");
  const list = status.querySelector("[data-offline-list]");
  list.replaceChildren(...waiting.map(describe), ...refused.map(describeRefused));
  if (waiting.length) {
    heading.textContent = counted("waiting", waiting.length);
  } else if (refused.length) {
    heading.textContent = counted("not-sent", refused.length);
  } else {
    heading.textContent = words("sent");
  }
  status.hidden = !(entries.length || sentSoFar);
}

// "Call with Doreen, saved on this phone at 10:42am: waiting to send.", or "…: not sent." and
// why (`state` "waiting" or "refused").
function summary(entry, state) {
  // Entries kept by an earlier version of the worker say "Call" or "Visit".
  const kind = String(entry.kind).toLowerCase() === "visit" ? "visit" : "call";
  const values = {
    what: words(entry.concern ? `${kind}-and-concern` : kind),
    client: entry.client,
    time: timeOfDay(new Date(entry.savedAt)),
    why: state === "refused" ? refusal(entry) : "",
  };
  return words(`${state}-${entry.client ? "with" : "alone"}`, values);
}

// Why the server refused it: the worker's reason, or the form's own problems as the server
// listed them (already in the page's language).
function refusal(entry) {
  if (entry.reason === "problems") return entry.message;
  if (entry.reason) return words(entry.reason, { status: entry.status });
  return entry.message; // kept by an earlier version of the worker, in English
}

function paragraph(text, className) {
  const element = document.createElement("p");
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function describe(entry) {
  const item = document.createElement("li");
  item.append(paragraph(summary(entry, "waiting")));
  if (entry.concern) item.append(paragraph(words("urgent"), "nhsuk-u-font-weight-bold"));
  return item;
}

function describeRefused(entry) {
  const item = document.createElement("li");
  item.append(paragraph(summary(entry, "refused")), paragraph(words("tell-coordinator")));
  if (entry.concern) item.append(paragraph(words("urgent"), "nhsuk-u-font-weight-bold"));
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0";
  dismiss.textContent = words("dealt-with");
  dismiss.addEventListener("click", () => post({ type: "dismiss", id: entry.id }));
  item.append(dismiss);
  return item;
}
