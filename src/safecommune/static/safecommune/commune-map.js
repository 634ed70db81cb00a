// The commune map: centre and circle-rule disc. Without Leaflet or tiles the text stays.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("commune-map");
    if (!el || typeof L === "undefined") { return; }
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var area = parseFloat(el.dataset.area) || 0;
    if (isNaN(lat) || isNaN(lon)) { return; }
    el.textContent = "";
    var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 11);
    if (el.dataset.tiles) {  // an empty tile URL: no tiles (docs/decisions/0021-map.md)
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    if (area > 0) {
      var circle = L.circle([lat, lon], { radius: Math.sqrt(area / Math.PI) * 1000 }).addTo(map);
      map.fitBounds(circle.getBounds());
    } else {
      L.marker([lat, lon]).addTo(map);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
