// The staff app's service worker (scope /staff/): an offline shell (the app and its files,
// kept as they are fetched, so that a lost connection shows the app saying it is offline, not
// a browser error), and web push (a notification that opens its request).
const CACHE = "concierge-staff-v1";
const SHELL = "/staff/index.html";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch(SHELL, { cache: "no-cache" });
      if (!response.ok) return;
      const html = await response.clone().text();
      const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      await cache.put(SHELL, response);
      await cache.addAll(files);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/staff")) {
    // The app from the network when there is one (always the newest), else the kept shell.
    event.respondWith(
      fetch(request).then(
        (response) => {
          if (response.ok) void caches.open(CACHE).then((cache) => cache.put(SHELL, response.clone()));
          return response;
        },
        async () => (await caches.match(SHELL)) ?? Response.error(),
      ),
    );
  } else if (url.pathname.startsWith("/assets/")) {
    // Hashed names never change: kept once fetched.
    event.respondWith(
      caches.match(request).then(
        (kept) =>
          kept ??
          fetch(request).then((response) => {
            if (response.ok) void caches.open(CACHE).then((cache) => cache.put(request, response.clone()));
            return response;
          }),
      ),
    );
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : "Concierge" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Concierge", {
      body: data.body || "",
      tag: data.notification,
      icon: "/staff/icon.svg",
      data: { hotel: data.hotel || null, request: data.request || null },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // The payload names the hotel and the request (docs/data-model.md): their page, at once.
  const { hotel, request } = event.notification.data || {};
  const target =
    hotel && request
      ? `/staff/hotels/${encodeURIComponent(hotel)}/requests/${encodeURIComponent(request)}`
      : "/staff/notifications";
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).pathname.startsWith("/staff"));
      if (open) {
        await open.navigate(target);
        await open.focus().catch(() => undefined);
      } else {
        await self.clients.openWindow(target);
      }
    })(),
  );
});
