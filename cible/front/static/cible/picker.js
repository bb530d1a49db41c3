// Search-as-you-type pickers (cible.lib.widgets.SearchSelect): the suggestions come from
// the server through htmx; picking one writes its id in the hidden input before the text.
// A picker of several (SearchMultiSelect, marked data-multiple) adds a checked checkbox
// for each pick instead, in its list of chosen ones; unchecking one drops it.
(function () {
  "use strict";
  if (window.ciblePicker) return;
  window.ciblePicker = true;

  function parts(element) {
    var box = element.closest(".picker");
    return box && {
      box: box,
      value: box.querySelector("input[type=hidden]"),
      search: box.querySelector("input[data-picker]"),
      list: box.querySelector(".picker-suggestions"),
      chosen: box.querySelector(".picker-chosen")
    };
  }

  // The checkbox of an id in the chosen list, added when missing.
  function checkbox(picker, id, label) {
    var boxes = picker.chosen.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value === id) return boxes[i];
    }
    var input = document.createElement("input");
    input.type = "checkbox";
    input.name = picker.box.dataset.name;
    input.value = id;
    var row = document.createElement("div");
    var text = document.createElement("label");
    text.append(input, " " + label);
    row.append(text);
    picker.chosen.append(row);
    return input;
  }

  // Typing changes the choice: the text alone counts until a suggestion is picked.
  document.addEventListener("input", function (event) {
    if (!event.target.matches("input[data-picker]")) return;
    var picker = parts(event.target);
    if (picker.value) picker.value.value = "";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-pick]");
    var picker = button && parts(button);
    if (!picker) return;
    var changed = picker.value;
    if (picker.chosen) {
      changed = checkbox(picker, button.dataset.pick, button.dataset.label);
      changed.checked = true;
      picker.search.value = "";
    } else {
      picker.value.value = button.dataset.pick;
      picker.search.value = button.dataset.label;
    }
    picker.list.replaceChildren();
    // A form that checks itself as it changes (the objective form) sees the pick too.
    changed.dispatchEvent(new Event("change", { bubbles: true }));
    picker.search.focus();
  });
})();
