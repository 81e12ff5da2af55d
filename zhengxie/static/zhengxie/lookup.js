/* Type-ahead choices (proposals forms.Lookup, the proposal list's unit filter): a text box that offers the names
   matching what is typed, fetched as JSON from the container's data-lookup URL ({"results": [{"id", "label"}],
   "more": bool}), as an ARIA 1.2 combobox with a listbox popup: arrow keys move through the names, Enter chooses,
   Escape closes, the mouse works too, and a polite status line says how many names were found.

   Markup (rendered by the server, usable without this script):
     <div class="zx-lookup" data-lookup="URL" data-lookup-name="NAME" [data-lookup-multiple] [data-lookup-exclude="1,2"]
          data-lookup-none="…" data-lookup-count="… {n} …" data-lookup-more="… {n} …" data-lookup-remove="… {name}"
          data-lookup-added="… {name}" data-lookup-removed="… {name}" data-lookup-failed="…"
          data-lookup-options="… {name}">
       one:      <input type="hidden" name="NAME" data-lookup-value>  (the chosen id)
       several:  <ul data-lookup-chosen><li><input type="checkbox" name="NAME" value="ID" checked><label>…</label></li></ul>
       <input type="text" name="NAME__text">  (without this script the server finds the names typed here)
     </div>
   One choice: the box shows the chosen name and is not sent while it does (the id is). Several: the chosen are
   chips with a remove button; the box only searches. Typing in the box is not an edit of the form (the draft
   editor's autosave listens to "input"): a change of the choice is announced with an "input" event instead.

   Loaded as a file because the Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";

  var DELAY = 200;
  var uid = 0;

  function fill(text, value) {
    return (text || "").replace("{n}", value).replace("{name}", value);
  }

  function changed(el) {
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setup(box) {
    if (box.dataset.lookupReady) {
      return;
    }
    box.dataset.lookupReady = "1";
    var input = box.querySelector("input[type=text]");
    if (!input) {
      return;
    }
    var multiple = box.hasAttribute("data-lookup-multiple");
    var name = box.dataset.lookupName;
    var textName = input.getAttribute("name") || name + "__text";
    var valueInput = box.querySelector("input[data-lookup-value]");
    var chosenList = box.querySelector("[data-lookup-chosen]");
    var exclude = (box.dataset.lookupExclude || "").split(",").filter(Boolean);
    if (!input.id) {
      uid += 1;
      input.id = "zx-lookup-" + uid;
    }
    var listId = input.id + "-listbox";

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "zx-lookup-list list-group shadow-sm";
    list.setAttribute("role", "listbox");
    var label = input.labels && input.labels.length ? input.labels[0] : null;
    var labelText = label ? label.textContent.replace("*", "").trim() : input.getAttribute("placeholder") || "";
    list.setAttribute("aria-label", fill(box.dataset.lookupOptions, labelText));
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "zx-lookup-status form-text";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var options = [];
    var active = -1;
    var timer = null;
    var seq = 0;
    var pending = false; // a search is waiting for its answer
    var wantFirst = false; // the down arrow was pressed before the names came: make the first one active
    var chooseFirst = false; // … and Enter too: choose it

    // The status line is read out by screen readers; it is shown only when it says something the list does not.
    function say(text, shown) {
      status.textContent = text || "";
      status.classList.toggle("visually-hidden", !shown);
    }

    function chosenIds() {
      if (!multiple) {
        return [];
      }
      return Array.prototype.map.call(chosenList.querySelectorAll("input[name='" + name + "']"), function (i) {
        return i.value;
      });
    }

    // One choice: the box is sent (and the server finds what it says) only while nothing is chosen.
    function sendText(yes) {
      if (yes) {
        input.setAttribute("name", textName);
      } else {
        input.removeAttribute("name");
      }
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      if (active >= 0 && options[active]) {
        options[active].classList.remove("active");
        options[active].setAttribute("aria-selected", "false");
      }
      active = i;
      if (i < 0 || !options[i]) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[i].classList.add("active");
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    }

    function show(data) {
      var skip = exclude.concat(chosenIds());
      var results = (data.results || []).filter(function (r) {
        return skip.indexOf(String(r.id)) < 0;
      });
      list.textContent = "";
      options = results.map(function (r, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.id = r.id;
        li.textContent = r.label;
        list.appendChild(li);
        return li;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var first = wantFirst;
      var pick = chooseFirst;
      wantFirst = false;
      chooseFirst = false;
      if (!options.length) {
        close();
        say(box.dataset.lookupNone, true);
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      if (data.more) {
        say(fill(box.dataset.lookupMore, options.length), true);
      } else {
        say(fill(box.dataset.lookupCount, options.length), false);
      }
      if (pick) {
        choose(options[0]);
      } else if (first) {
        highlight(0);
      }
    }

    function search() {
      var q = input.value.trim();
      var mine = ++seq;
      timer = null;
      pending = true;
      var url = box.dataset.lookup + (box.dataset.lookup.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) {
            throw new Error(String(r.status));
          }
          return r.json();
        })
        .then(function (data) {
          if (mine === seq) {
            pending = false;
            if (document.activeElement === input) {
              show(data);
            }
          }
        })
        .catch(function () {
          if (mine === seq) {
            pending = false;
            close();
            say(box.dataset.lookupFailed, true);
          }
        });
    }

    function addChip(id, text, announce) {
      var li = document.createElement("li");
      li.className = "zx-chip";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = id;
      var span = document.createElement("span");
      span.textContent = text;
      li.appendChild(hidden);
      li.appendChild(span);
      chosenList.appendChild(li);
      chip(li);
      if (announce) {
        say(fill(box.dataset.lookupAdded, text), false);
        changed(hidden);
      }
    }

    // A chosen one (rendered as a check box for use without this script) becomes a chip with a remove button.
    function chip(li) {
      var check = li.querySelector("input[type=checkbox]");
      var labelEl = li.querySelector("label, span");
      var text = labelEl ? labelEl.textContent.trim() : "";
      if (check) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = check.name;
        hidden.value = check.value;
        check.replaceWith(hidden);
        if (labelEl && labelEl.tagName === "LABEL") {
          var span = document.createElement("span");
          span.textContent = text;
          labelEl.replaceWith(span);
        }
      }
      li.className = "zx-chip badge rounded-pill text-bg-light border d-inline-flex align-items-center gap-1";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close zx-chip-remove";
      remove.setAttribute("aria-label", fill(box.dataset.lookupRemove, text));
      remove.addEventListener("click", function () {
        li.remove();
        say(fill(box.dataset.lookupRemoved, text), false);
        input.focus();
        changed(box);
      });
      li.appendChild(remove);
    }

    function choose(li) {
      var id = li.dataset.id;
      var text = li.textContent;
      close();
      if (multiple) {
        addChip(id, text, true);
        input.value = "";
        input.focus();
        return;
      }
      valueInput.value = id;
      input.value = text;
      sendText(false);
      say(fill(box.dataset.lookupAdded, text), false);
      changed(valueInput);
    }

    if (multiple) {
      Array.prototype.forEach.call(chosenList.querySelectorAll("li"), chip);
      sendText(false); // with this script names are chosen from the list; what is left in the box is a search
    } else if (valueInput && valueInput.value) {
      sendText(false);
    }

    input.addEventListener("input", function (evt) {
      evt.stopPropagation(); // a search, not an edit of the form
      if (!multiple && valueInput && valueInput.value) {
        valueInput.value = "";
        sendText(true);
        changed(valueInput);
      }
      if (!multiple && !input.value.trim()) {
        sendText(true);
      }
      clearTimeout(timer);
      timer = null;
      wantFirst = false;
      chooseFirst = false;
      if (!input.value.trim()) {
        seq += 1; // an answer still on its way is for an older text
        pending = false;
        close();
        say("", false);
        return;
      }
      timer = setTimeout(search, DELAY);
    });

    input.addEventListener("keydown", function (evt) {
      var open = !list.hidden && options.length > 0;
      if (evt.key === "ArrowDown" || evt.key === "Down") {
        evt.preventDefault();
        if (!open) {
          wantFirst = true;
          if (!pending || timer !== null) {
            clearTimeout(timer);
            search();
          }
          return;
        }
        highlight(active + 1 < options.length ? active + 1 : 0);
      } else if (evt.key === "ArrowUp" || evt.key === "Up") {
        if (open) {
          evt.preventDefault();
          highlight(active > 0 ? active - 1 : options.length - 1);
        }
      } else if (evt.key === "Enter") {
        if (open && active >= 0) {
          evt.preventDefault();
          choose(options[active]);
        } else if (pending || timer !== null) {
          evt.preventDefault(); // the names are on their way: they are offered, not the half-typed text sent
          chooseFirst = wantFirst;
        } else if (multiple) {
          evt.preventDefault(); // the box only searches: Enter does not send the form half-chosen
          if (!open && input.value.trim()) {
            search();
          }
        }
      } else if (evt.key === "Escape" || evt.key === "Esc") {
        if (open) {
          evt.preventDefault();
          evt.stopPropagation();
          close();
        }
      } else if (evt.key === "Tab") {
        close();
      }
    });

    list.addEventListener("mousedown", function (evt) {
      evt.preventDefault(); // keep the focus in the box
    });
    list.addEventListener("click", function (evt) {
      var li = evt.target.closest("[role=option]");
      if (li) {
        choose(li);
      }
    });
    input.addEventListener("blur", function () {
      close();
    });
  }

  function init(root) {
    (root || document).querySelectorAll(".zx-lookup[data-lookup]").forEach(setup);
  }

  window.zxLookup = { init: init };
  init(document);
})();
