// Follows a running round: asks the server for its progress every second and shows the
// result page when the run ends. Without JavaScript the page refreshes itself instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var stage = box.querySelector("[data-stage]");
  var percent = box.querySelector("[data-percent]");
  var bar = box.querySelector("progress");

  function show(data) {
    if (stage && data.stage_label) {
      stage.textContent = data.stage_label;
    }
    if (percent) {
      percent.textContent = String(data.percent);
    }
    if (bar) {
      bar.value = data.percent;
      bar.textContent = data.percent + "%";
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.done) {
          window.location.assign(data.url);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();

// Forms marked data-busy (publish, run again, extend, remind, re-match): once submitted, their
// buttons are disabled and the pressed one says what is under way ("Publishing… emailing 21
// people"), so a slow publish shows progress and a second click cannot send it twice. Without
// JavaScript the forms simply submit.
(function () {
  "use strict";

  function buttonsOf(form) {
    return form.querySelectorAll("button[type=submit], button:not([type])");
  }

  function markBusy(form, pressed) {
    var text = form.getAttribute("data-busy");
    var buttons = buttonsOf(form);
    var shown = pressed || buttons[0];
    form.setAttribute("aria-busy", "true");
    // Disabled after the submission is built: disabling the pressed button in the submit
    // event would drop its name and value (the lock and forbid buttons carry one).
    window.setTimeout(function () {
      for (var i = 0; i < buttons.length; i += 1) {
        buttons[i].disabled = true;
      }
      if (shown) {
        shown.setAttribute("data-idle-text", shown.textContent);
        shown.textContent = text;
      }
    }, 0);
    var status = form.querySelector("[data-busy-status]");
    if (status) {
      status.textContent = text;
      var bar = document.createElement("progress");
      bar.setAttribute("aria-label", text);
      status.appendChild(bar);
    }
  }

  function reset(form) {
    form.removeAttribute("aria-busy");
    var buttons = buttonsOf(form);
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].disabled = false;
      if (buttons[i].hasAttribute("data-idle-text")) {
        buttons[i].textContent = buttons[i].getAttribute("data-idle-text");
        buttons[i].removeAttribute("data-idle-text");
      }
    }
    var status = form.querySelector("[data-busy-status]");
    if (status) {
      status.textContent = "";
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-busy")) {
      return;
    }
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault(); // already on its way
      return;
    }
    markBusy(form, event.submitter || null);
  });

  // Back to a page kept in the browser's memory: its forms are usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    var busy = document.querySelectorAll("form[aria-busy=true]");
    for (var i = 0; i < busy.length; i += 1) {
      reset(busy[i]);
    }
  });
})();
