// The volunteer's pages without signal: the page's side of static/js/offline-worker.js.
// On a volunteer's Today and log form (body[data-offline-worker]) it starts the worker, says
// when the page is a saved copy, and shows what is waiting to be sent; on any page served to
// someone signed out (body[data-offline-clear]) it deletes everything kept on the phone.

const body = document.body;
const DATABASE = "aligns-offline";
const SIGNING_OUT = "aligns-signing-out";
const URGENT =
  "Your concern has not reached the coordinators. If it is urgent, phone your coordinator " +
  "now. If someone is in danger, call 999.";

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

// "10:42am", "midday": as aligns/dates.py writes a time.
function timeOfDay(moment) {
  const hours = moment.getHours();
  const minutes = moment.getMinutes();
  if (minutes === 0 && hours === 12) return "midday";
  if (minutes === 0 && hours === 0) return "midnight";
  const shown = minutes ? `:${String(minutes).padStart(2, "0")}` : "";
  return `${hours % 12 || 12}${shown}${hours < 12 ? "am" : "pm"}`;
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
    heading.textContent = `Waiting to send (${waiting.length})`;
  } else if (refused.length) {
    heading.textContent = `Not sent (${refused.length})`;
  } else {
    heading.textContent = "Sent";
  }
  status.hidden = !(entries.length || sentSoFar);
}

function label(entry) {
  const what = entry.concern ? `${entry.kind} and concern` : entry.kind;
  const about = entry.client ? ` with ${entry.client}` : "";
  return `${what}${about}, saved on this phone at ${timeOfDay(new Date(entry.savedAt))}`;
}

function paragraph(text, className) {
  const element = document.createElement("p");
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function describe(entry) {
  const item = document.createElement("li");
  item.append(paragraph(`${label(entry)}: waiting to send.`));
  if (entry.concern) item.append(paragraph(URGENT, "nhsuk-u-font-weight-bold"));
  return item;
}

function describeRefused(entry) {
  const item = document.createElement("li");
  item.append(
    paragraph(`${label(entry)}: not sent. ${entry.message}`),
    paragraph(
      "Phone your coordinator and tell them what you logged, or log it again from Today " +
        "if it can be put right.",
    ),
  );
  if (entry.concern) item.append(paragraph(URGENT, "nhsuk-u-font-weight-bold"));
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0";
  dismiss.textContent = "I have dealt with this";
  dismiss.addEventListener("click", () => post({ type: "dismiss", id: entry.id }));
  item.append(dismiss);
  return item;
}
