/* Proposal pages: the draft editor's autosave bookkeeping, filter boxes for long lists, the assignment form's mode.
   Loaded as a file because the Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";

  // The autosave answers refusals (409, 422) with a status line: let htmx show it instead of dropping it.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (target && target.id === "autosave-status" && evt.detail.xhr && evt.detail.xhr.status >= 400) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  function wrapperOf(el) {
    return el ? el.closest(".mb-3") : null;
  }

  // The editor: a save button pressed while an autosave is on its way waits for it, so the first autosave's new
  // draft id is in the form and the draft is not created twice; once the form is being sent no autosave starts.
  var editor = document.getElementById("draft-form");
  if (editor) {
    var saving = false;
    var submitting = false;
    var queued = null;
    editor.addEventListener("htmx:beforeRequest", function (evt) {
      if (submitting) {
        evt.preventDefault();
        return;
      }
      saving = true;
    });
    editor.addEventListener("htmx:afterRequest", function () {
      saving = false;
      if (queued !== null) {
        var submitter = queued;
        queued = null;
        if (submitter && submitter.form === editor) {
          editor.requestSubmit(submitter);
        } else {
          editor.requestSubmit();
        }
      }
    });
    editor.addEventListener("submit", function (evt) {
      if (saving) {
        evt.preventDefault();
        queued = evt.submitter || false;
        return;
      }
      submitting = true;
    });

    // A collective proposal has no co-signers.
    var collective = editor.querySelector("[name=collective_id]");
    var cosigners = editor.querySelector("[name=cosigner_ids]");
    if (collective && cosigners) {
      var syncCollective = function () {
        var isCollective = collective.value !== "";
        var wrap = wrapperOf(cosigners);
        if (wrap) {
          wrap.hidden = isCollective;
        }
        if (isCollective) {
          Array.prototype.forEach.call(cosigners.options, function (o) { o.selected = false; });
        }
      };
      collective.addEventListener("change", syncCollective);
      syncCollective();
    }
  }

  // A filter box above each long multiple choice (co-signers, units); typing in it is not an edit of the draft.
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.filterPlaceholder || "";
    box.setAttribute("aria-label", select.dataset.filterPlaceholder || "");
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function (evt) {
      evt.stopPropagation();
      var q = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = q !== "" && !o.selected && o.text.toLowerCase().indexOf(q) < 0;
      });
    });
  });

  // Assignment: single mode sends one unit, so the second list is hidden and cleared.
  document.querySelectorAll("form[data-action-form=assign], form[data-action-form=resolve_dispute]").forEach(function (form) {
    var others = form.querySelector("[name=other_units], [name=units]");
    if (!others) {
      return;
    }
    var sync = function () {
      var checked = form.querySelector("input[name=mode]:checked, input[name=decision]:checked");
      var value = checked ? checked.value : "";
      var hide = value === "single" || value === "keep";
      var wrap = wrapperOf(others);
      if (wrap) {
        wrap.hidden = hide;
      }
      if (hide) {
        Array.prototype.forEach.call(others.options, function (o) { o.selected = false; });
      }
    };
    form.addEventListener("change", sync);
    sync();
  });
})();
