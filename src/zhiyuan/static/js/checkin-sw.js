/* Service worker of the check-in pages (/s/...): keeps the last copy of each page and of
   the files it uses, so a check-in page opened once reloads without network. The scans
   themselves are kept and sent by checkin.js. */
"use strict";
var CACHE = "zhiyuan-checkin-v1";
var WAIT_MS = 4000;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function remember(request, response) {
  if (response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

/* The network first (a dead cell gives up after WAIT_MS), the kept copy otherwise. */
function networkFirst(request) {
  var fallback = function () {
    return caches.match(request).then(function (hit) { return hit || Response.error(); });
  };
  return new Promise(function (resolve) {
    var timer = setTimeout(function () { resolve(fallback()); }, WAIT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      resolve(remember(request, response));
    }, function () {
      clearTimeout(timer);
      resolve(fallback());
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if ((request.mode === "navigate" && url.pathname.indexOf("/s/") === 0) ||
      url.pathname.indexOf("/static/") === 0) {
    event.respondWith(networkFirst(request));
  }
});
