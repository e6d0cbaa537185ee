// The volunteer's pages without signal (docs/development.md, "Working offline").
//
// Served by visits.views.offline_worker at /visits/offline-worker.js, so that its scope can be
// /visits/. It keeps a copy only of pages the server marks with `X-Aligns-Offline: volunteer`
// (Today and the log form, for a volunteer), plus the static files they need; it queues a log
// form posted without signal and sends it later with the form's one-time token, so a post
// sent twice is saved once (aligns/submissions.py). Signing out deletes everything it keeps
// (static/js/offline.js).

const PAGES = "aligns-pages";
const STATIC = "aligns-static";
const DATABASE = "aligns-offline";
const QUEUE = "queue";
const SYNC_TAG = "aligns-send";
const OFFLINE_HEADER = "X-Aligns-Offline";
// The paths of visits/urls.py's `today` and `log`.
const TODAY = "/visits/today/";
const LOG_FORM = /^\/visits\/episodes\/(\d+)\/log\/$/;
const LOG_LINK = /href="(\/visits\/episodes\/\d+\/log\/(?:\?[^"]*)?)"/g;
const SIGN_IN = "/sign-in/";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && LOG_FORM.test(url.pathname)) {
    event.respondWith(postOrQueue(request));
  } else if (request.method === "GET" && url.pathname.startsWith("/static/")) {
    event.respondWith(fromNetworkOrCache(request, STATIC));
  } else if (request.method === "GET" && request.mode === "navigate") {
    event.respondWith(page(event));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(sendQueue({}));
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep") event.waitUntil(keepFromNetwork(message.url));
  if (message.type === "send") event.waitUntil(sendQueue(message));
  if (message.type === "status") event.waitUntil(announce(0));
  if (message.type === "dismiss") event.waitUntil(dismiss(message.id));
});

// --- Pages ----------------------------------------------------------------------------------

async function page(event) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cache = await caches.open(PAGES);
    const copy =
      (await cache.match(request.url)) || (await cache.match(request.url, { ignoreSearch: true }));
    if (!copy) throw error;
    return withNewToken(copy);
  }
  // Kept while the page shows: the person does not wait for Today's log forms to be fetched.
  if (offlineable(response)) event.waitUntil(keep(request.url, response.clone()));
  return response;
}

function offlineable(response) {
  return response.ok && !response.redirected && response.headers.get(OFFLINE_HEADER) === "volunteer";
}

// The page as it was, marked with when it was saved: served from here, it says so.
async function keep(url, response) {
  const html = await response.text();
  const saved = html.replace("<html ", `<html data-offline-saved-at="${new Date().toISOString()}" `);
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  const cache = await caches.open(PAGES);
  await cache.put(url, new Response(saved, { status: 200, headers }));
  await keepStaticFiles(html);
  if (new URL(url).pathname === TODAY) await followToday(cache, html);
}

// The stylesheet and scripts the page loads, which the first page seen loaded before the
// worker was running.
async function keepStaticFiles(html) {
  const cache = await caches.open(STATIC);
  for (const match of html.matchAll(/"(\/static\/[^"]+)"/g)) {
    const url = new URL(decode(match[1]), self.location).href;
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url);
      if (response.ok) await cache.put(url, response);
    } catch {
      return; // No signal: kept next time.
    }
  }
}

// Today lists the volunteer's current clients: keep their log forms, drop any other's (an
// episode that ended, a client they no longer support).
async function followToday(cache, html) {
  const links = new Set(
    [...html.matchAll(LOG_LINK)].map((match) => new URL(decode(match[1]), self.location).href),
  );
  for (const request of await cache.keys()) {
    if (LOG_FORM.test(new URL(request.url).pathname) && !links.has(request.url)) {
      await cache.delete(request);
    }
  }
  for (const link of links) {
    if (!(await cache.match(link))) await keepFromNetwork(link);
  }
}

async function keepFromNetwork(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (offlineable(response)) await keep(url, response);
  } catch {
    // No signal: the page is kept next time.
  }
}

// Each form shown gets a fresh one-time token, as the server would give it: two calls logged
// from the same saved form are two calls, while one queued post sent twice is saved once.
async function withNewToken(response) {
  const html = await response.text();
  const token = self.crypto.randomUUID().replaceAll("-", "");
  const page = html.replace(/(name="submission" value=")[0-9a-f]{32}"/, `$1${token}"`);
  return new Response(page, { status: 200, headers: response.headers });
}

async function fromNetworkOrCache(request, name) {
  const cache = await caches.open(name);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const copy = await cache.match(request);
    if (!copy) throw error;
    return copy;
  }
}

// --- The queue of posts made without signal ----------------------------------------------------

async function postOrQueue(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch {
    const form = await copy.formData();
    // A home visit nobody answered raises a concern once it is sent (contact_log): until
    // then the coordinators do not know, and the volunteer is told so as for their own.
    const concern =
      form.get("raise_concern") === "on" ||
      (form.get("kind") === "visit" && form.get("answered") === "no");
    const cached = await (await caches.open(PAGES)).match(request.url, { ignoreSearch: true });
    const html = cached ? await cached.text() : "";
    const about = html.match(/data-offline-client="([^"]*)"/);
    const user = html.match(/data-offline-user="([^"]*)"/);
    await store({
      url: request.url,
      body: new URLSearchParams(form).toString(),
      kind: form.get("kind") === "visit" ? "visit" : "call",
      client: about ? decode(about[1]) : "",
      user: user ? user[1] : "",
      concern,
      savedAt: new Date().toISOString(),
      state: "waiting",
    });
    try {
      await self.registration.sync.register(SYNC_TAG);
    } catch {
      // No Background Sync here: the pages ask for the queue to be sent when they load and
      // when the phone comes back online.
    }
    await announce(0);
    return Response.redirect(`${TODAY}?saved=${concern ? "concern" : "log"}`, 303);
  }
}

let sending = null;

// From a volunteer's page: who is signed in, and the page's own CSRF token (a new sign-in
// gives a new one). From Background Sync: nothing, and only what waits in the present sign-in.
function sendQueue({ user, csrf }) {
  sending ??= sendWaiting(user, csrf).finally(() => {
    sending = null;
  });
  return sending;
}

async function sendWaiting(user, csrf) {
  let sent = 0;
  for (const entry of await entries()) {
    // "held": the sign-in ended before it was sent; only the same person, signed in again,
    // sends it. Nobody else's sign-in ever sends it.
    const mine = user && entry.user === user;
    if (!(entry.state === "waiting" || (entry.state === "held" && mine))) continue;
    if (user && !mine) continue;
    const body = new URLSearchParams(entry.body);
    if (mine && csrf) body.set("csrfmiddlewaretoken", csrf);
    let response;
    try {
      response = await post(entry.url, body);
    } catch {
      break; // Still no signal: everything waits.
    }
    if (new URL(response.url).pathname === SIGN_IN) {
      await store({ ...entry, state: "held" });
      continue;
    }
    const refusal = await refused(entry, response);
    if (refusal === null) {
      await remove(entry.id);
      sent += 1;
    } else if (refusal !== undefined) {
      await store({ ...entry, state: "refused", ...refusal });
    }
  }
  await announce(sent);
}

// A server error (busy, restarting) is tried again twice, a second and then three apart;
// after that the entry waits for the next page or the next time the phone comes online.
async function post(url, body) {
  let response;
  for (const pause of [1000, 3000, 0]) {
    response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
    if (response.status < 500 || !pause) break;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return response;
}

// null: saved. Refused: why, as a reason the page puts in words (static/js/offline.js, in the
// page's language), or as the form's own problems. undefined: try again later (the server's
// fault).
async function refused(entry, response) {
  const landed = new URL(response.url);
  if (response.status >= 500) return undefined;
  if (response.status === 404) return { reason: "gone" };
  if (response.status === 403) return { reason: "forbidden" };
  if (!response.ok) return { reason: "error", status: response.status };
  if (landed.pathname === new URL(entry.url).pathname) {
    // The form came back with its problems listed in its error summary.
    const html = await response.text();
    const list = html.match(/nhsuk-error-summary__list">([\s\S]*?)<\/ul>/);
    const problems = list
      ? [...list[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((item) =>
          decode(item[1].replace(/<[^>]+>/g, "").trim()),
        )
      : [];
    return problems.length
      ? { reason: "problems", message: problems.join(". ") }
      : { reason: "unsaved" };
  }
  return null;
}

async function dismiss(id) {
  const entry = (await entries()).find((each) => each.id === id);
  // Only a refused entry is dismissed: one waiting to be sent stays until it is sent.
  if (entry && entry.state === "refused") await remove(id);
  await announce(0);
}

async function announce(sent) {
  const message = { type: "queue", entries: await entries(), sent };
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage(message);
  }
}

function decode(text) {
  const named = { amp: "&", lt: "<", gt: ">", quot: '"' };
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot);/gi, (_, code) =>
    code[0] === "#"
      ? String.fromCodePoint(
          code[1].toLowerCase() === "x" ? parseInt(code.slice(2), 16) : Number(code.slice(1)),
        )
      : named[code.toLowerCase()],
  );
}

// --- IndexedDB, one short connection at a time (so that signing out can delete it) ----------

function database() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () =>
      opening.result.createObjectStore(QUEUE, { keyPath: "id", autoIncrement: true });
    opening.onsuccess = () => {
      const db = opening.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    opening.onerror = () => reject(opening.error);
  });
}

async function transact(mode, work) {
  const db = await database();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(QUEUE, mode);
      const request = work(transaction.objectStore(QUEUE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

const entries = () => transact("readonly", (queue) => queue.getAll());
const store = (entry) => transact("readwrite", (queue) => queue.put(entry));
const remove = (id) => transact("readwrite", (queue) => queue.delete(id));
