/* "Near me": asks the browser for its position (WGS-84) and reloads the shift list
   ordered by distance from it; without a position the list stays as it is. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("near-me");
    var form = document.querySelector("form[data-geolocate-near]");
    if (!button || !form) { return; }
    if (!navigator.geolocation) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      button.setAttribute("aria-busy", "true");
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(5);
        form.submit();
      }, function () {
        button.removeAttribute("aria-busy");
        button.textContent = button.getAttribute("data-failed") || button.textContent;
      }, { enableHighAccuracy: false, timeout: 8000, maximumAge: 300000 });
    });
  });
})();
