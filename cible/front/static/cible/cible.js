// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // A key result form shows the fields its kind needs (CSS reads data-kind).
  function syncKind(form) {
    var select = form.querySelector("select[name=kind]");
    if (select) form.dataset.kind = select.value;
  }

  // Filter a long list as you type: the parent picker's checkboxes, or the items of a
  // list that marks them (the template library), hiding the groups left empty.
  function filterPicker(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    var words = input.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    var items = list.querySelectorAll("[data-filter-item]");
    if (items.length) {
      items.forEach(function (item) {
        var text = item.textContent.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
        item.hidden = words.split(/\s+/).some(function (word) { return text.indexOf(word) === -1; });
      });
      list.querySelectorAll("[data-filter-group]").forEach(function (group) {
        group.hidden = !group.querySelector("[data-filter-item]:not([hidden])");
      });
      return;
    }
    list.querySelectorAll("label").forEach(function (label) {
      var text = label.textContent.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      var checked = label.querySelector("input:checked");
      label.parentElement.hidden = !checked && words !== "" && text.indexOf(words) === -1;
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest(".kr-form");
    if (form && event.target.name === "kind") syncKind(form);
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches("input[data-picker-filter]")) filterPicker(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".kr-form").forEach(syncKind);
  });
})();

// The weekly meeting's timer: elapsed time, amber after 15 minutes, red after 30; the
// duration goes with the notes.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.querySelector("[data-timer]");
    if (!timer) return;
    var started = Date.now();
    var output = timer.querySelector(".timer-value");
    var duration = document.querySelector("input[name=duration_seconds]");
    function tick() {
      var seconds = Math.floor((Date.now() - started) / 1000);
      var text = String(Math.floor(seconds / 60)).padStart(2, "0") + ":" + String(seconds % 60).padStart(2, "0");
      output.textContent = text;
      timer.classList.toggle("warn", seconds >= Number(timer.dataset.warn));
      timer.classList.toggle("over", seconds >= Number(timer.dataset.limit));
      if (duration) duration.value = seconds;
    }
    tick();
    setInterval(tick, 1000);
  });
})();

// The header's sections fold into a Menu button on a phone; the button unfolds them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".nav-toggle");
    if (toggle) {
      var panel = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      if (panel) panel.classList.toggle("open", open);
      return;
    }
    // Menus (<details class="menu">) close when one clicks elsewhere.
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
    // Dialogs: browsers without command/commandfor get the same from data attributes.
    var opener = event.target.closest("[commandfor][command=show-modal]");
    if (opener && !("command" in HTMLButtonElement.prototype)) {
      var dialog = document.getElementById(opener.getAttribute("commandfor"));
      if (dialog) dialog.showModal();
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer && !("command" in HTMLButtonElement.prototype)) {
      closer.closest("dialog").close();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
})();

// "Use this target": a suggestion fills the field it names, only when asked; the form's
// own validation then runs as if the person had typed it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-field]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-fill-field"));
    if (!field) return;
    field.value = button.getAttribute("data-fill-value");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  });
})();
