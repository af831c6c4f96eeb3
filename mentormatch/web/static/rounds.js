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
