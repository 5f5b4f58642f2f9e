// The edition service's enhancements (templates/service/). Without this file every page still
// works: forms post and redirect, and progress pages have a refresh link.
(function () {
  "use strict";

  // Job page: follow the edition's progress, then load the finished page.
  var job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    var poll = function () {
      fetch(job.dataset.status, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          var done = document.getElementById("job-done");
          var total = document.getElementById("job-total");
          var bar = document.getElementById("job-bar");
          if (done) { done.textContent = s.done; }
          if (total && s.total) { total.textContent = s.total; }
          if (bar && s.total) { bar.max = s.total; bar.value = s.done; }
          if (s.state === "running" || s.state === "queued") {
            window.setTimeout(poll, 1500);
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 1000);
  }

  // Pages that wait for a quick task (previews, catalog checks): reload when it is done.
  var waiting = document.querySelector("[data-refresh]");
  if (waiting) {
    window.setTimeout(function () { window.location.reload(); }, 2000);
  }

  // Edition form: "Preview the flyer" shows the page image here instead of leaving the form.
  var form = document.getElementById("edition-form");
  var panel = document.getElementById("live-preview");
  var button = document.getElementById("preview-button");
  if (form && panel && button && window.fetch && window.FormData) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      data.set("action", "preview");
      panel.hidden = false;
      panel.textContent = "Drawing the preview…";
      button.disabled = true;
      // form.action would be the buttons named "action"; the attribute is the URL.
      fetch(form.getAttribute("action"), { method: "POST", body: new URLSearchParams(data) })
        .then(function (r) {
          if (r.redirected && r.ok) {
            return r.text().then(function (html) { show(html, r.url); });
          }
          submitPreview();  // errors: let the server's page show them beside their fields
        })
        .catch(submitPreview)
        .finally(function () { button.disabled = false; });
    });
  }

  function submitPreview() {
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "preview";
    form.appendChild(action);
    form.submit();
  }

  function show(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.getElementById("main");
    panel.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = "Preview";
    panel.appendChild(heading);
    if (main) {
      Array.prototype.forEach.call(main.children, function (node) {
        panel.appendChild(document.importNode(node, true));
      });
    }
    var link = document.createElement("p");
    var a = document.createElement("a");
    a.href = url;
    a.textContent = "Open the preview on its own page";
    link.appendChild(a);
    panel.appendChild(link);
    heading.tabIndex = -1;
    heading.focus();
  }
}());
