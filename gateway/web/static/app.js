// Progressive enhancement only: every page works without this file.
// Countdowns: <time data-countdown="ISO-8601"> shows the time left, live.
(function () {
  "use strict";
  function left(until) {
    var ms = new Date(until).getTime() - Date.now();
    var late = ms < 0;
    ms = Math.abs(ms);
    var minutes = Math.floor(ms / 60000) % 60;
    var hours = Math.floor(ms / 3600000);
    var text = (hours > 0 ? hours + " h " : "") + minutes + " min";
    return { late: late, text: text };
  }
  function tick() {
    var lateWord = document.documentElement.lang === "en" ? "overdue by " : "depășit cu ";
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var t = left(el.getAttribute("data-countdown"));
      el.textContent = t.late ? lateWord + t.text : t.text;
      el.classList.toggle("late", t.late);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 15000);
})();
