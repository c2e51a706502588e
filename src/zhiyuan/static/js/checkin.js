/* The check-in page without network: each scan (token, position, the phone's time, an id
   made here) is kept in IndexedDB first, then sent to /api/v1/checkins; when the network is
   down it stays kept ("saved, will send") and goes out when the network returns ("sent").
   The server takes it with its original time, or refuses it with a reason; a scan sent
   twice counts once, by its id. checkin-sw.js keeps the page itself for reloads offline. */
(function () {
  "use strict";
  var DB = "zhiyuan-checkin", STORE = "scans", NOTE = "zhiyuan-checkin-note";
  var form, status, flushing = false, again = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        var request = work(tx.objectStore(STORE));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function kept() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (scan) { return scan.user === form.dataset.user; })
        .sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
    });
  }

  function keep(scan) { return withStore("readwrite", function (store) { return store.put(scan); }); }
  function drop(scan) {
    return withStore("readwrite", function (store) { return store.delete(scan.client_id); });
  }

  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = "flash " + kind;
    status.hidden = !text;
  }

  function showNext(action) {
    form.dataset.next = action;
    form.querySelector("#check-in").hidden = action !== "in";
    form.querySelector("#check-out").hidden = action !== "out";
  }


  /* One flush at a time; a flush asked for meanwhile (the network came back while a scan's
     send was still failing) runs as soon as the current one ends, not at the next timer. */
  function flush() {
    if (flushing) { again = true; return Promise.resolve(); }
    flushing = true;
    again = false;
    var notes = [], failed = false;
    return kept().then(function (scans) {
      return scans.reduce(function (previous, scan) {
        return previous.then(function () {
          if (failed) { return; }
          return send(scan).then(function (note) {
            if (note === null) {
              failed = true;
              return Promise.all(scans.filter(function (s) { return !s.waited; }).map(function (s) {
                s.waited = true;
                return keep(s);
              }));
            }
            Array.prototype.push.apply(notes, note);
            return drop(scan);
          });
        });
      }, Promise.resolve());
    }).then(function () {
      flushing = false;
      if (failed) {
        say(form.dataset.msgSaved, "warning");
      } else if (notes.length) {
        sessionStorage.setItem(NOTE, JSON.stringify(notes));
        location.reload();
        return;
      }
      if (again) { return flush(); }
    }, function () {
      flushing = false;
      if (again) { return flush(); }
    });
  }

  /* Resolves to the notes for the page (the server's words for what the scan did, the
     same as the page says without script), or null when the scan must stay kept for later. */
  function send(scan) {
    var body = {
      token: scan.token, client_id: scan.client_id, scanned_at: scan.scanned_at,
      action: scan.action, coord_system: "wgs84"
    };
    if (scan.longitude && scan.latitude) {
      body.longitude = Number(scan.longitude);
      body.latitude = Number(scan.latitude);
    }
    return fetch(form.dataset.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": scan.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 401 || response.status === 429 || response.status >= 500) {
        return null;
      }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          var why = answer.message || response.statusText;
          return [{ kind: "error", text: scan.waited ? form.dataset.msgRefused + " " + why : why }];
        }
        return (answer.notes || []).map(function (note, index) {
          var sent = scan.waited && index === 0 ? form.dataset.msgSent + " " : "";
          return { kind: note.level, text: sent + note.text };
        });
      });
    }, function () { return null; });
  }

  function scanNow(event) {
    event.preventDefault();
    var action = form.dataset.next;
    var scan = {
      client_id: newId(), user: form.dataset.user, token: form.dataset.token, action: action,
      scanned_at: new Date().toISOString(), csrf: form.querySelector("[name=csrfmiddlewaretoken]").value,
      longitude: form.querySelector("[name=longitude]").value,
      latitude: form.querySelector("[name=latitude]").value, waited: false
    };
    keep(scan).then(function () {
      showNext(action === "in" ? "out" : "in");
      say(form.dataset.msgSaved, "warning");
      return flush();
    }, function () { form.submit(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.querySelector("form[data-offline]");
    if (!form || !window.indexedDB || !window.fetch) { return; }
    status = document.getElementById("scan-note");
    var notes = JSON.parse(sessionStorage.getItem(NOTE) || "[]");
    sessionStorage.removeItem(NOTE);
    notes.forEach(function (note) {
      var line = document.createElement("div");
      line.className = "flash " + note.kind;
      line.setAttribute("role", "status");
      line.textContent = note.text;
      status.parentNode.insertBefore(line, status);
    });
    form.addEventListener("submit", scanNow);
    window.addEventListener("online", flush);
    setInterval(flush, 30000);
    kept().then(function (scans) {
      if (scans.length) {
        showNext(scans[scans.length - 1].action === "in" ? "out" : "in");
        say(form.dataset.msgSaved, "warning");
        flush();
      }
    });
    if ("serviceWorker" in navigator && form.dataset.worker) {
      navigator.serviceWorker.register(form.dataset.worker, { scope: form.dataset.workerScope });
    }
  });
})();
