// The volunteer's pages without signal: the page's side of static/js/offline-worker.js.
// On a volunteer's Today and log form (body[data-offline-worker]) it starts the worker, says
// when the page is a saved copy, and shows what is waiting to be sent; on any page served to
// someone signed out (body[data-offline-clear]) it deletes everything kept on the phone.

const body = document.body;
const URGENT =
  "Your concern has not reached the coordinators. If it is urgent, phone your coordinator " +
  "now. If someone is in danger, call 999.";

if (body.dataset.offlineClear !== undefined) {
  forget();
} else if (body.dataset.offlineWorker && "serviceWorker" in navigator) {
  start();
}

async function forget() {
  for (const name of await caches.keys()) await caches.delete(name);
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      await registration.unregister();
    }
  }
  indexedDB.deleteDatabase("aligns-offline");
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
    registration.active.postMessage({ type: "send" });
  });
  window.addEventListener("online", () => post({ type: "send" }));
  guardSignOut();
}

// Signing out deletes what the phone kept, unsent entries too: the first press says so.
let unsent = 0;

function guardSignOut() {
  const form = document.querySelector(".nhsuk-header__account-form");
  const warning = document.querySelector("[data-offline-sign-out]");
  if (!form || !warning) return;
  form.addEventListener("submit", (event) => {
    if (!unsent || !warning.hidden) return;
    event.preventDefault();
    warning.hidden = false;
    warning.closest("[data-offline-status]").scrollIntoView();
  });
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

function showQueue({ entries, sent }) {
  const status = document.querySelector("[data-offline-status]");
  if (!status) return;
  sentSoFar += sent;
  unsent = entries.length;
  if (!unsent) status.querySelector("[data-offline-sign-out]").hidden = true;
  const waiting = entries.filter((entry) => entry.state === "waiting");
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
