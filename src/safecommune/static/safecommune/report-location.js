// "Use my location" on the public report page: fills latitude and longitude from the browser,
// only when the resident presses the button. Without JavaScript or geolocation the button stays
// hidden and the fields are typed by hand; no map tiles are needed either way.
(function () {
  "use strict";
  function init() {
    var button = document.getElementById("use-my-location");
    var status = document.getElementById("location-status");
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    if (!button || !lat || !lon || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        status.textContent = "";
      }, function () {
        status.textContent = button.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
