/* The request form, made easier where JavaScript runs. Everything here is an addition: without
   it every field shows, and the server checks and explains everything (docs/public.md).

   - After a failed submission, focus goes to the error summary, so that keyboard and
     screen-reader users start at the list of what to fix.
   - The fields for someone else show only once "For someone else" is chosen.
   - The description counts down to its limit and says so before the limit is reached; it is
     never cut (the field has no maxlength), the server refuses a longer text and says by
     how much. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary) {
      summary.focus();
    }
  }

  function toggleWithChoice(block) {
    // data-shown-for="<radio name>=<value>"
    var rule = block.getAttribute("data-shown-for").split("=");
    var radios = document.querySelectorAll('input[type=radio][name="' + rule[0] + '"]');
    function update() {
      var chosen = document.querySelector('input[type=radio][name="' + rule[0] + '"]:checked');
      block.hidden = !(chosen && chosen.value === rule[1]);
    }
    radios.forEach(function (radio) {
      if (radio.value === rule[1]) {
        radio.setAttribute("aria-controls", block.id);
      }
      radio.addEventListener("change", update);
    });
    update();
  }

  // Characters as the server counts them: code points after NFC, one per line break.
  function length(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").normalize("NFC")).length;
  }

  function counter(element) {
    var field = document.getElementById(element.getAttribute("data-for"));
    var live = document.getElementById(element.id + "-live");
    if (!field) {
      return;
    }
    var limit = parseInt(field.getAttribute("data-max-length"), 10);
    var warnFrom = Math.floor(limit * 0.9);
    var lastState = "";
    field.insertAdjacentElement("afterend", element);
    field.setAttribute(
      "aria-describedby",
      ((field.getAttribute("aria-describedby") || "") + " " + element.id).trim()
    );
    element.hidden = false;

    function text(count, one, many) {
      var template = element.getAttribute(count === 1 ? one : many);
      return template.replace("{count}", count.toLocaleString(document.documentElement.lang));
    }

    function update() {
      var used = length(field.value);
      var left = limit - used;
      var message = left >= 0
        ? text(left, "data-left-one", "data-left-many")
        : text(-left, "data-over-one", "data-over-many");
      element.textContent = message;
      var state = left < 0 ? "over" : used >= warnFrom ? "near" : "";
      element.className = "hint counter" + (state ? " counter--" + state : "");
      // Screen readers hear the count when it comes near the limit and when it passes it,
      // not at every key.
      if (live && state !== lastState) {
        live.textContent = state ? message : "";
      }
      lastState = state;
    }
    field.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("[data-shown-for]").forEach(toggleWithChoice);
    document.querySelectorAll(".counter[data-for]").forEach(counter);
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
