/* Fills a check-in form's hidden position fields from the browser's geolocation (WGS-84). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-geolocate]");
    if (!form || !navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
      form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
    }, function () { /* no position: the server records the check-in without a distance */ },
    { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  });
})();
