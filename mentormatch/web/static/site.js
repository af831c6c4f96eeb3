// MentorMatch: small enhancements on every page. Each page works without them.
(function () {
  "use strict";

  // A refused form: start at the list of its problems, so that it is seen and read first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // A link in that list: open any collapsed group around the field, then go to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + target.id + "']") || target;
    label.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    history.replaceState(null, "", "#" + target.id);
  });

  // Groups of checkboxes under a heading: keep "(n chosen)" up to date.
  document.addEventListener("change", function (event) {
    var group = event.target.closest && event.target.closest("details.choice-group");
    var count = group && group.querySelector("[data-chosen-count]");
    if (count) {
      var chosen = group.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = "(" + chosen + " chosen)";
    }
  });

  // Phones: the links fold behind a Menu button.
  var nav = document.querySelector("[data-nav]");
  var toggle = nav && nav.querySelector("[data-nav-toggle]");
  if (toggle) {
    toggle.hidden = false;
    nav.classList.add("nav-collapsible");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("nav-open", open);
    });
  }

  // A table wider than its frame: say that it scrolls, and let the keyboard scroll it.
  var wraps = document.querySelectorAll(".table-wrap");
  function markScrollable() {
    Array.prototype.forEach.call(wraps, function (wrap) {
      var scrollable = wrap.scrollWidth > wrap.clientWidth + 1;
      var hint = wrap.previousElementSibling;
      if (!hint || !hint.classList.contains("scroll-hint")) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = "The table is wider than the screen: swipe or scroll it sideways →";
        wrap.parentNode.insertBefore(hint, wrap);
      }
      hint.classList.toggle("visible", scrollable);
      if (scrollable) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  markScrollable();
  window.addEventListener("resize", markScrollable);

  // A programme's sign-up: its questions for mentees hide while "mentor" is chosen (without
  // script they stay, and say that mentors can leave them out).
  var menteeOnly = document.querySelector("[data-mentee-only]");
  var signup = menteeOnly && menteeOnly.closest("form");
  function showMenteeQuestions() {
    var chosen = signup.querySelector("input[name=role]:checked");
    menteeOnly.hidden = Boolean(chosen && chosen.value === "mentor");
  }
  if (signup) {
    showMenteeQuestions();
    signup.addEventListener("change", function (event) {
      if (event.target.name === "role") {
        showMenteeQuestions();
      }
    });
  }
})();
