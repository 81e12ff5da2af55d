/* Proposal pages: the draft editor's autosave bookkeeping, the assignment form's mode, and the detail page's action
   forms, fetched when their button is pressed. Type-ahead choices are lookup.js (load it first).
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
          submitter.dataset.confirmed = "yes"; // its question was answered when it was first pressed
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
    var cosigners = editor.querySelector("[data-lookup-name=cosigner_ids]");
    if (collective && cosigners) {
      var syncCollective = function () {
        var isCollective = collective.value !== "";
        var wrap = wrapperOf(cosigners);
        if (wrap) {
          wrap.hidden = isCollective;
        }
        if (isCollective) {
          clearChosen(cosigners);
        }
      };
      collective.addEventListener("change", syncCollective);
      syncCollective();
    }
  }

  // The units or members chosen in a type-ahead (lookup.js): removed all at once.
  function clearChosen(lookup) {
    lookup.querySelectorAll("[data-lookup-chosen] li").forEach(function (li) { li.remove(); });
  }

  // Assignment: single mode sends one unit, so the second list is hidden and cleared.
  function initAssignForms(root) {
    root.querySelectorAll("form[data-action-form=assign], form[data-action-form=resolve_dispute]").forEach(function (form) {
      var others = form.querySelector("[data-lookup-name=other_units], [data-lookup-name=units]");
      if (!others || form.dataset.assignReady) {
        return;
      }
      form.dataset.assignReady = "1";
      var sync = function () {
        var checked = form.querySelector("input[name=mode]:checked, input[name=decision]:checked");
        var value = checked ? checked.value : "";
        var hide = value === "single" || value === "keep";
        var wrap = wrapperOf(others);
        if (wrap) {
          wrap.hidden = hide;
        }
        if (hide) {
          clearChosen(others);
        }
      };
      form.addEventListener("change", sync);
      sync();
    });
  }

  function initForms(root) {
    if (window.zxLookup) {
      window.zxLookup.init(root);
    }
    initAssignForms(root);
  }

  initForms(document);

  // The detail page: an action's form is fetched when its button is pressed, and opens under it (the button is a
  // link to the page with that form open, which is what a click does without this script or with a modifier key).
  function slotOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function buttonOf(slot) {
    return document.querySelector("[data-action-form-url][aria-controls='" + slot.id + "']");
  }

  function openSlot(button, slot) {
    slot.hidden = false;
    button.setAttribute("aria-expanded", "true");
    var first = slot.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  }

  function closeSlot(slot) {
    slot.hidden = true;
    var button = buttonOf(slot);
    if (button) {
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  }

  document.addEventListener("click", function (evt) {
    var close = evt.target.closest("[data-action-close]");
    if (close) {
      var closing = document.getElementById(close.dataset.actionClose);
      if (closing && closing.hasAttribute("data-action-slot")) {
        evt.preventDefault();
        closeSlot(closing);
      }
      return;
    }
    var button = evt.target.closest("a[data-action-form-url]");
    if (!button || evt.button !== 0 || evt.ctrlKey || evt.metaKey || evt.shiftKey || evt.altKey) {
      return;
    }
    var slot = slotOf(button);
    if (!slot) {
      return;
    }
    evt.preventDefault();
    if (!slot.hidden) {
      closeSlot(slot);
      return;
    }
    if (slot.dataset.loaded) {
      openSlot(button, slot);
      return;
    }
    if (slot.getAttribute("aria-busy") === "true") {
      return;
    }
    slot.setAttribute("aria-busy", "true");
    fetch(button.dataset.actionFormUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        return response.text().then(function (html) {
          return { ok: response.ok, html: html };
        });
      })
      .then(function (result) {
        slot.innerHTML = result.html;
        if (result.ok) {
          slot.dataset.loaded = "1";
          initForms(slot);
        }
        openSlot(button, slot);
      })
      .catch(function () {
        window.location.assign(button.href); // the page with the form open
      })
      .finally(function () {
        slot.removeAttribute("aria-busy");
      });
  });
})();
