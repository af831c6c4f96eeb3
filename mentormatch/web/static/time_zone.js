// A time zone select left empty starts at the zone of this device, and says so; the person
// can still choose another. Without script the select simply starts empty.
(function () {
  "use strict";

  var guess;
  try {
    guess = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!guess) {
    return;
  }
  document.querySelectorAll("select[data-time-zone]").forEach(function (select) {
    if (select.value || !select.querySelector("option[value='" + guess + "']")) {
      return;
    }
    select.value = guess;
    var note = document.createElement("p");
    note.className = "hint";
    note.setAttribute("data-time-zone-guess", "");
    note.textContent = "Chosen from this device's clock: " + guess.replace(/_/g, " ") +
      ". Change it if that is not where you are.";
    select.insertAdjacentElement("afterend", note);
  });
})();
