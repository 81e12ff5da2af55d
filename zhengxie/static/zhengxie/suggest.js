// 智能交办: a suggested unit's button fills the assignment form's lead (or single) unit, as choosing it from the
// type-ahead would (lookup.js: the chosen id in the hidden input, its name in the text box, which is then not sent).
(function () {
  "use strict";

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest("[data-suggest-unit]");
    if (!button) {
      return;
    }
    var form = button.closest("form");
    var box = form && form.querySelector(".zx-lookup[data-lookup-name='lead_unit']");
    if (!box) {
      return;
    }
    var value = box.querySelector("input[data-lookup-value]");
    var input = box.querySelector("input[type=text]");
    value.value = button.dataset.suggestUnit;
    input.value = button.dataset.suggestName;
    if (box.dataset.lookupReady) {
      input.removeAttribute("name"); // the id is sent; the box is sent only while nothing is chosen
    }
    value.dispatchEvent(new Event("change", { bubbles: true }));
    form.querySelectorAll("[data-suggest-unit]").forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    input.focus();
  });
})();
