/* Tracktwo: live updates over SSE and the countdown. Pages work without this file. */
(function () {
  "use strict";

  function connect(url) {
    var source = new EventSource(url);
    source.addEventListener("changed", function (event) {
      var region = String(event.data || "").replace(/[^a-z_]/g, "");
      if (!region) return;
      document.body.dispatchEvent(new CustomEvent("live:" + region, { bubbles: true }));
    });
    source.addEventListener("ready", function () {
      document.body.setAttribute("data-live", "connected");
    });
    source.onerror = function () {
      document.body.setAttribute("data-live", "reconnecting");
    };
    return source;
  }

  /* A live region whose refetch failed (the network dropped, or the server answered 5xx or
     429 while a whole room reconnected) tries again after a jittered back-off (or the
     server's Retry-After), up to MAX_RETRIES times; a successful swap brings a fresh element
     and so a fresh count. Every browser does this alike, author or not. */
  var MAX_RETRIES = 6;
  function retryLater(event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.getAttribute) return;
    var url = elt.getAttribute("hx-get");
    if (!url || !/live:/.test(elt.getAttribute("hx-trigger") || "")) return;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (event.type === "htmx:responseError" && !(status === 429 || status >= 500)) return;
    var tries = Number(elt.getAttribute("data-retries") || 0);
    if (tries >= MAX_RETRIES) return;
    elt.setAttribute("data-retries", String(tries + 1));
    var after = Number(xhr && xhr.getResponseHeader ? xhr.getResponseHeader("Retry-After") : 0);
    var base = after > 0 ? after * 1000 : Math.min(30000, 500 * Math.pow(2, tries));
    window.setTimeout(function () {
      if (!document.body.contains(elt) || !window.htmx) return;
      window.htmx.ajax("GET", url, { source: elt, target: elt, swap: "outerHTML" });
    }, base * (0.5 + Math.random()));
  }
  document.addEventListener("htmx:sendError", retryLater);
  document.addEventListener("htmx:responseError", retryLater);

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* Accessibility: one polite live region (#announcer in base.html). A fragment that htmx
     swaps in announces itself with data-announce="..." (already translated by the server);
     a countdown announces data-warn-message at one minute and data-done-message at zero. The
     ticking digits themselves are never live (role="timer" is polite-off by default). */
  var lastAnnounced = "";
  function announce(text) {
    var box = document.getElementById("announcer");
    text = String(text || "").trim();
    if (!box || !text) return;
    box.textContent = "";
    lastAnnounced = text;
    window.setTimeout(function () { if (lastAnnounced === text) box.textContent = text; }, 150);
  }

  /* data-announce-key names the state being announced (e.g. "revealed-3"): a region that is
     swapped again in the same state says nothing; keys already on the page at load are known. */
  var announcedKeys = {};
  function announcing(elt) {
    var found = [];
    if (!elt || !elt.querySelectorAll) return found;
    if (elt.hasAttribute && elt.hasAttribute("data-announce")) found.push(elt);
    elt.querySelectorAll("[data-announce]").forEach(function (el) { found.push(el); });
    return found;
  }
  function keyOf(el) {
    return el.getAttribute("data-announce-key") || el.getAttribute("data-announce");
  }
  function announceLoaded(elt) {
    if (!elt || elt === document.body) return;
    var texts = [];
    announcing(elt).forEach(function (el) {
      var text = el.getAttribute("data-announce");
      var key = keyOf(el);
      if (!text || announcedKeys[key]) return;
      announcedKeys[key] = true;
      if (texts.indexOf(text) < 0) texts.push(text);
    });
    if (texts.length) announce(texts.join(" "));
  }

  function announceCountdown(el, left) {
    var said = el.getAttribute("data-announced") || "";
    if (left === 0 && said !== "done") {
      el.setAttribute("data-announced", "done");
      announce(el.getAttribute("data-done-message"));
    } else if (left > 0 && left <= 60 && said === "") {
      el.setAttribute("data-announced", "warn");
      announce(el.getAttribute("data-warn-message"));
    }
  }

  function tickTimers() {
    var now = Date.now();
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var ends = Date.parse(el.getAttribute("data-ends-at"));
      if (isNaN(ends)) return;
      var left = Math.max(0, Math.round((ends - now) / 1000));
      var text = Math.floor(left / 60) + ":" + pad(left % 60);
      var out = el.querySelector("[data-countdown]") || el;
      if (out.textContent !== text) out.textContent = text;
      el.classList.toggle("timer-done", left === 0);
      if (el.hasAttribute("data-live-started")) announceCountdown(el, left);
      else {
        el.setAttribute("data-live-started", "yes");
        if (left === 0) el.setAttribute("data-announced", "done");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var url = document.body.getAttribute("data-live-url");
    if (url && window.EventSource) connect(url);
    announcing(document.body).forEach(function (el) { announcedKeys[keyOf(el)] = true; });
    tickTimers();
    window.setInterval(tickTimers, 1000);
  });
  document.addEventListener("htmx:afterSwap", tickTimers);
  document.addEventListener("htmx:load", function (event) {
    announceLoaded(event.detail && event.detail.elt);
  });
})();
