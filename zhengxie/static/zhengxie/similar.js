// Similar proposals beside the draft editor (提案查重): as the member types, the title and text are sent to
// POST /api/v1/proposals/similar (the page's session and CSRF token) at most once a second of quiet, and the panel
// lists what comes back. Without JavaScript the panel says nothing is checked.
(function () {
  "use strict";
  var panel = document.querySelector("[data-similar-panel]");
  var form = document.getElementById("draft-form");
  if (!panel || !form) return;
  var list = panel.querySelector("[data-similar-list]");
  var status = panel.querySelector("[data-similar-status]");
  var detailUrl = panel.getAttribute("data-detail-url");
  var words = {
    none: panel.getAttribute("data-none"),
    found: panel.getAttribute("data-found"),
    failed: panel.getAttribute("data-failed"),
    idle: panel.getAttribute("data-idle"),
    score: panel.getAttribute("data-score"),
    noNumber: panel.getAttribute("data-no-number"),
  };
  var timer = null;
  var sent = "";
  var seq = 0;

  function value(name) {
    var field = form.elements.namedItem(name);
    return field && typeof field.value === "string" ? field.value : "";
  }

  function render(items) {
    list.replaceChildren();
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item px-0";
      li.setAttribute("data-testid", "similar-item");
      var a = document.createElement("a");
      a.href = detailUrl.replace("/0/", "/" + item.id + "/");
      a.textContent = item.title;
      a.target = "_blank";
      a.rel = "noopener";
      var meta = document.createElement("div");
      meta.className = "small text-body-secondary";
      meta.textContent = [item.year, item.number || words.noNumber, words.score.replace("{n}", Math.round(item.score * 100) + "%")].join(" · ");
      li.append(a, meta);
      list.append(li);
    });
    status.textContent = items.length ? words.found.replace("{n}", items.length) : words.none;
  }

  function check() {
    var body = {
      title: value("title").slice(0, 200),
      text: (value("analysis") + "\n" + value("suggestions")).slice(0, 100000),
      limit: 5,
    };
    var id = parseInt(value("proposal"), 10);
    if (id > 0) body.proposal_id = id;
    var key = JSON.stringify(body);
    if (key === sent) return;
    sent = key;
    if (!(body.title + body.text).trim()) {
      list.replaceChildren();
      status.textContent = words.idle;
      return;
    }
    var mine = ++seq;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(panel.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: key,
    })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(function (items) {
        if (mine === seq) render(items);
      })
      .catch(function () {
        if (mine === seq) {
          sent = "";
          status.textContent = words.failed;
        }
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 1000);
  });
  status.textContent = words.idle;
  check();
})();
