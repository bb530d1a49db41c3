// The alignment map's pan and zoom. The server lays the cards out; this file only moves
// the SVG's viewBox: drag or arrow keys to pan, the wheel, + and - to zoom, 0 to fit.
// When a card is opened or closed (htmx swaps the map), the card stays where it was.
(function () {
  "use strict";
  var MIN = 0.2, MAX = 2.5, STEP = 1.25, PAN = 80, READABLE = 0.75;
  var view = null; // {viewport, svg, width, height, x, y, scale}
  var keep = null; // {card, left, top, scale}: the toggled card's place on the screen

  function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }

  function apply() {
    var w = view.viewport.clientWidth / view.scale, h = view.viewport.clientHeight / view.scale;
    // Keep some of the map in sight: never pan it entirely away.
    view.x = clamp(view.x, -w * 0.8, view.width - w * 0.2);
    view.y = clamp(view.y, -h * 0.8, view.height - h * 0.2);
    view.svg.setAttribute("viewBox", [view.x, view.y, w, h].map(function (n) { return n.toFixed(1); }).join(" "));
  }

  function fitScale() {
    var v = view.viewport;
    return clamp(Math.min(v.clientWidth / view.width, v.clientHeight / view.height, 1), MIN, MAX);
  }

  function fit() {
    view.scale = fitScale();
    var w = view.viewport.clientWidth / view.scale;
    view.x = (view.width - w) / 2;
    view.y = 0;
    apply();
  }

  function zoom(factor, px, py) {
    var v = view.viewport;
    if (px === undefined) { px = v.clientWidth / 2; py = v.clientHeight / 2; }
    var wx = view.x + px / view.scale, wy = view.y + py / view.scale;
    view.scale = clamp(view.scale * factor, MIN, MAX);
    view.x = wx - px / view.scale;
    view.y = wy - py / view.scale;
    apply();
  }

  function pan(dx, dy) { // in screen pixels
    view.x += dx / view.scale;
    view.y += dy / view.scale;
    apply();
  }

  function box(card) {
    return {
      x: +card.getAttribute("x"), y: +card.getAttribute("y"),
      w: +card.getAttribute("width"), h: +card.getAttribute("height")
    };
  }

  function reveal(card) { // pan so that a focused card is in sight
    var b = box(card), v = view.viewport;
    var w = v.clientWidth / view.scale, h = v.clientHeight / view.scale;
    if (b.x < view.x || b.x + b.w > view.x + w) view.x = b.x + b.w / 2 - w / 2;
    if (b.y < view.y || b.y + b.h > view.y + h) view.y = b.y + b.h / 2 - h / 2;
    apply();
  }

  function setup(viewport) {
    var svg = viewport.querySelector("svg.map");
    if (!svg) { view = null; return; }
    view = {
      viewport: viewport, svg: svg,
      width: +viewport.dataset.width, height: +viewport.dataset.height,
      x: 0, y: 0, scale: 1
    };
    viewport.classList.add("map-live");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    var tools = document.getElementById("map-tools");
    if (tools) tools.hidden = false;
    var card = keep && svg.querySelector('[data-card="' + keep.card + '"]');
    if (card) {
      var b = box(card);
      view.scale = keep.scale;
      view.x = b.x - keep.left / view.scale;
      view.y = b.y - keep.top / view.scale;
      apply();
      var toggle = card.querySelector("[data-card-toggle]");
      if (toggle) toggle.focus({ preventScroll: true });
    } else {
      view.scale = Math.max(fitScale(), READABLE);
      var w = viewport.clientWidth / view.scale;
      // A map wider than the view starts at its left edge, where reading starts.
      view.x = view.width > w ? 0 : (view.width - w) / 2;
      view.y = 0;
      apply();
    }
    keep = null;
    listen(viewport);
  }

  function listen(viewport) {
    var drag = null, moved = false;
    viewport.addEventListener("wheel", function (e) {
      if (!view) return;
      e.preventDefault();
      var r = viewport.getBoundingClientRect();
      zoom(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    viewport.addEventListener("pointerdown", function (e) {
      if (!view || e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
      moved = false;
    });
    viewport.addEventListener("pointermove", function (e) {
      if (!drag || e.pointerId !== drag.id) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!moved) { moved = true; viewport.setPointerCapture(e.pointerId); viewport.classList.add("map-dragging"); }
      drag.x = e.clientX; drag.y = e.clientY;
      pan(-dx, -dy);
    });
    function end() { drag = null; viewport.classList.remove("map-dragging"); }
    viewport.addEventListener("pointerup", end);
    viewport.addEventListener("pointercancel", end);
    // A drag that ends on a link does not follow it.
    viewport.addEventListener("click", function (e) {
      if (moved) { e.preventDefault(); e.stopPropagation(); moved = false; }
    }, true);
    viewport.addEventListener("keydown", function (e) {
      if (!view || e.altKey || e.ctrlKey || e.metaKey) return;
      var keys = {
        "+": function () { zoom(STEP); }, "=": function () { zoom(STEP); },
        "-": function () { zoom(1 / STEP); }, "_": function () { zoom(1 / STEP); },
        "0": fit,
        ArrowLeft: function () { pan(-PAN, 0); }, ArrowRight: function () { pan(PAN, 0); },
        ArrowUp: function () { pan(0, -PAN); }, ArrowDown: function () { pan(0, PAN); }
      };
      var act = keys[e.key];
      if (act) { e.preventDefault(); act(); }
    });
    viewport.addEventListener("focusin", function (e) {
      var card = e.target.closest && e.target.closest("[data-card]");
      if (view && card) reveal(card);
    });
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-map-action]");
    if (!button || !view) return;
    var action = button.getAttribute("data-map-action");
    if (action === "in") zoom(STEP);
    else if (action === "out") zoom(1 / STEP);
    else fit();
  });

  // Before htmx replaces the map: remember where the toggled card is on the screen.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var toggle = e.target.closest && e.target.closest("[data-card-toggle]");
    if (!toggle || !view) return;
    var b = box(toggle.closest("[data-card]"));
    keep = {
      card: toggle.getAttribute("data-card-toggle"),
      left: (b.x - view.x) * view.scale, top: (b.y - view.y) * view.scale, scale: view.scale
    };
  });
  document.addEventListener("htmx:afterSettle", function () {
    var viewport = document.getElementById("map-canvas");
    if (viewport && (!view || view.viewport !== viewport)) setup(viewport);
  });
  document.addEventListener("htmx:historyRestore", function () { view = null; start(); });
  window.addEventListener("resize", function () { if (view) apply(); });

  function start() {
    var viewport = document.getElementById("map-canvas");
    if (viewport) setup(viewport);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
