/* Activity pages (活动): the check-in QR countdown, the searchable member picker, fields shown by kind and
   attendance mode, "select all" for bulk attendance, confirmations and one-tap forms. No inline scripts: the
   Content-Security-Policy allows only files from this site, so data arrives in data-* attributes. */
(function () {
  "use strict";

  // The QR code's countdown. The server's clock is in data-server-now, so a wrong phone or PC clock does not matter.
  var loadedAt = {};
  function tick() {
    document.querySelectorAll("[data-expires]").forEach(function (box) {
      var expires = parseInt(box.dataset.expires, 10);
      var serverNow = parseInt(box.dataset.serverNow, 10);
      var key = box.dataset.expires + ":" + box.dataset.serverNow;
      if (!loadedAt[key]) loadedAt[key] = Date.now() / 1000;
      var left = Math.max(0, Math.round(expires - serverNow - (Date.now() / 1000 - loadedAt[key])));
      box.querySelectorAll("[data-countdown]").forEach(function (el) { el.textContent = String(left); });
    });
  }
  setInterval(tick, 1000);

  // Searchable pickers: an <input data-filter-list="id"> hides the choices of #id whose label does not match.
  function updatePicked(list) {
    var counter = document.querySelector('[data-picked-count="' + list.id + '"]');
    if (!counter) return;
    var n = list.querySelectorAll("input[type=checkbox]:checked").length;
    counter.textContent = counter.textContent.replace(/\d+/, String(n));
  }
  function initPickers(root) {
    root.querySelectorAll("[data-filter-list]").forEach(function (input) {
      var list = document.getElementById(input.dataset.filterList);
      if (!list) return;
      if (list.dataset.maxHeight) list.style.maxHeight = list.dataset.maxHeight;
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        list.querySelectorAll("[data-choice-label]").forEach(function (item) {
          var match = !q || item.dataset.choiceLabel.toLowerCase().indexOf(q) !== -1;
          item.classList.toggle("d-none", !match);
        });
      });
      list.addEventListener("change", function () { updatePicked(list); });
    });
  }

  // Fields that apply to one activity kind (data-show-when-kind) or to sign-up activities (data-show-when-attendance).
  function initConditional(root) {
    var kind = root.querySelector("select[name=kind]");
    var modes = root.querySelectorAll("[data-attendance-mode]");
    function apply() {
      root.querySelectorAll("[data-show-when-kind]").forEach(function (el) {
        el.classList.toggle("d-none", !kind || kind.value !== el.dataset.showWhenKind);
      });
      var mode = "";
      modes.forEach(function (m) { if (m.checked) mode = m.value; });
      root.querySelectorAll("[data-show-when-attendance]").forEach(function (el) {
        el.classList.toggle("d-none", mode !== el.dataset.showWhenAttendance);
      });
    }
    if (kind) kind.addEventListener("change", apply);
    modes.forEach(function (m) { m.addEventListener("change", apply); });
    if (kind || modes.length) apply();
  }

  // "Select all" boxes: data-check-all="name" ticks every checkbox of that name in the same form.
  function initCheckAll(root) {
    root.querySelectorAll("[data-check-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        var form = box.closest("form") || document;
        form.querySelectorAll('input[type=checkbox][name="' + box.dataset.checkAll + '"]').forEach(function (cb) {
          cb.checked = box.checked;
        });
      });
    });
  }

  // Forms sent once (data-once: the check-in button); confirm.js has already asked those that ask first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) {
      return;
    }
    if (form.hasAttribute("data-once")) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.classList.add("disabled"); b.setAttribute("aria-disabled", "true"); });
    }
  });

  // The month grid keeps seven equal columns however long the titles (Bootstrap has no table-layout class).
  function initFixedTables(root) {
    root.querySelectorAll("table[data-fixed-layout]").forEach(function (t) { t.style.tableLayout = "fixed"; });
  }

  function init() {
    initFixedTables(document);
    initPickers(document);
    initConditional(document);
    initCheckAll(document);
    tick();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  document.addEventListener("htmx:afterSwap", tick);
})();
