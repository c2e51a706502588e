/* Fills a check-in form's hidden position fields from the browser's geolocation (WGS-84).
   Without a position the station refuses the scan (or takes it as unverified where the
   district allows), so the page says so before the volunteer presses the button. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-geolocate]");
    if (!form) { return; }
    var status = form.querySelector("#geo-status");
    function missing() {
      if (status && form.dataset.geoMissing) { status.textContent = form.dataset.geoMissing; }
    }
    if (!navigator.geolocation) { missing(); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
      form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
    }, missing, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  });
})();
