/* Stations near me: the browser's position (WGS-84) → the nearest open stations. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("nearby");
    var button = document.getElementById("find-nearby");
    if (!section || !button || !navigator.geolocation || !window.fetch) { return; }
    var status = document.getElementById("nearby-status");
    var list = document.getElementById("nearby-list");
    button.hidden = false;

    function say(key) {
      status.textContent = status.dataset[key];
      status.hidden = false;
    }

    function show(stations) {
      list.textContent = "";
      if (!stations.length) { say("none"); return; }
      status.hidden = true;
      stations.forEach(function (s) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = s.url;
        link.textContent = s.name;
        item.appendChild(link);
        var note = document.createElement("small");
        note.textContent = " " + s.distance_m + " " + status.dataset.unit + " · " + s.address;
        item.appendChild(note);
        list.appendChild(item);
      });
    }

    button.addEventListener("click", function () {
      say("locating");
      navigator.geolocation.getCurrentPosition(function (pos) {
        var url = section.dataset.endpoint + "?lat=" + pos.coords.latitude.toFixed(6) +
          "&lng=" + pos.coords.longitude.toFixed(6);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
          .then(function (data) { show(data.stations); })
          .catch(function () { say("denied"); });
      }, function () { say("denied"); }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  });
})();
