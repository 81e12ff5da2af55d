/* The office's batch pages: "select all on this page" checks or clears every proposal's box (and shows mixed when
   some are chosen), and the number chosen is shown beside the batch button. Without this script each box is
   checked by hand. Loaded as a file because the Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  document.querySelectorAll("[data-batch-all]").forEach(function (all) {
    var name = all.dataset.batchAll;
    var items = function () {
      return document.querySelectorAll("input[data-batch-item='" + name + "']");
    };
    var counter = document.querySelector("[data-batch-count='" + name + "']");
    var sync = function () {
      var boxes = items();
      var chosen = 0;
      boxes.forEach(function (box) {
        if (box.checked) {
          chosen += 1;
        }
      });
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
      if (counter) {
        counter.textContent = counter.dataset.template.replace("{n}", String(chosen));
      }
    };
    all.hidden = false;
    if (all.labels) {
      all.labels.forEach(function (label) { label.hidden = false; });
    }
    all.addEventListener("change", function () {
      items().forEach(function (box) { box.checked = all.checked; });
      sync();
    });
    document.addEventListener("change", function (evt) {
      if (evt.target.matches && evt.target.matches("input[data-batch-item='" + name + "']")) {
        sync();
      }
    });
    sync();
  });
})();
