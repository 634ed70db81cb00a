// The incidents map: clustered markers from GET /api/v1/incidents/points (the list's filters),
// the commune's outline, and tiles when a tile URL is set and reachable. Every text shown comes
// from the page (data attributes), so it is in the reader's language. Without Leaflet the
// page's own counts and list remain.
(function () {
  "use strict";
  var DONE = ["unfounded", "resolved", "forwarded", "closed"];

  function show(id) { var el = document.getElementById(id); if (el) { el.hidden = false; } }
  function hide(id) { var el = document.getElementById(id); if (el) { el.hidden = true; } }

  function line(parent, tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  function popup(point, data) {
    var box = document.createElement("div");
    box.className = "incident-popup";
    line(box, "strong", point.category);
    var state = point.status_label + " · " + point.received;
    if (point.overdue) { state += " · " + data.overdueText; }
    line(box, "p", state);
    line(box, "p", point.summary);
    var link = line(box, "a", data.linkText.replace("{id}", point.id));
    link.href = data.incidentUrl.replace(/\/0\/$/, "/" + point.id + "/");
    return box;
  }

  function icon(point) {
    var kind = point.overdue ? " is-overdue" : (DONE.indexOf(point.status) >= 0 ? " is-done" : "");
    return L.divIcon({ className: "incident-marker" + kind, iconSize: [16, 16] });
  }

  // The commune's imported polygon, else its circle-rule disc; returns the bounds to show.
  function outline(map, el) {
    var geometry = null;
    var holder = document.getElementById("incident-map-boundary");
    if (holder) { geometry = JSON.parse(holder.textContent); }
    var style = { interactive: false, fill: false, weight: 2 };
    if (geometry) {
      var shape = L.geoJSON(geometry, { interactive: false, style: style }).addTo(map);
      return shape.getBounds();
    }
    if (el.dataset.radius) {
      var centre = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
      var radius = parseFloat(el.dataset.radius);
      L.circle(centre, L.extend({ radius: radius }, style)).addTo(map);
      return centre.toBounds(radius * 2);
    }
    return null;
  }

  function tiles(map, el) {
    if (!el.dataset.tiles) { return; }
    var loaded = false;
    var layer = L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution });
    layer.on("tileload", function () { loaded = true; hide("map-tiles-failed"); });
    layer.on("tileerror", function () { if (!loaded) { show("map-tiles-failed"); } });
    layer.addTo(map);
  }

  function init() {
    var el = document.getElementById("incident-map");
    if (!el || typeof L === "undefined" || typeof L.markerClusterGroup !== "function") { return; }
    var data = el.dataset;
    el.textContent = "";
    // A max zoom of its own: without a tile layer Leaflet has none, and clustering needs one.
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 });
    tiles(map, el);
    var bounds = outline(map, el);
    if (bounds) {
      map.fitBounds(bounds);
    } else if (data.lat) {
      map.setView([parseFloat(data.lat), parseFloat(data.lon)], 12);
    } else {
      map.setView([16.0, 106.0], 5);
    }
    fetch(data.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (result) {
        var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
        result.points.forEach(function (point) {
          var marker = L.marker([point.lat, point.lon], {
            icon: icon(point), title: point.category + " · " + point.status_label,
          });
          marker.bindPopup(function () { return popup(point, data); });
          cluster.addLayer(marker);
        });
        map.addLayer(cluster);
        el.dataset.loaded = String(result.points.length);
        if (!bounds && result.points.length) {
          map.fitBounds(cluster.getBounds(), { padding: [20, 20], maxZoom: 15 });
        }
      })
      .catch(function () { show("map-points-failed"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
