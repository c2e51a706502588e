/* Buttons that tick or clear every checkbox of a list: data-select="all" or "none",
   data-target naming the checkboxes' container. Nothing is ticked until asked. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-select]");
    if (!button) { return; }
    event.preventDefault();
    var box = document.getElementById(button.getAttribute("data-target"));
    if (!box) { return; }
    var on = button.getAttribute("data-select") === "all";
    box.querySelectorAll("input[type=checkbox]").forEach(function (input) { input.checked = on; });
  });
})();
