// Search-as-you-type pickers (cible.lib.widgets.SearchSelect): the suggestions come from
// the server through htmx; picking one writes its id in the hidden input before the text.
(function () {
  "use strict";
  if (window.ciblePicker) return;
  window.ciblePicker = true;

  function parts(element) {
    var box = element.closest(".picker");
    return box && {
      value: box.querySelector("input[type=hidden]"),
      search: box.querySelector("input[data-picker]"),
      list: box.querySelector(".picker-suggestions")
    };
  }

  // Typing changes the choice: the text alone counts until a suggestion is picked.
  document.addEventListener("input", function (event) {
    if (!event.target.matches("input[data-picker]")) return;
    parts(event.target).value.value = "";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-pick]");
    var picker = button && parts(button);
    if (!picker) return;
    picker.value.value = button.dataset.pick;
    picker.search.value = button.dataset.label;
    picker.list.replaceChildren();
    // A form that checks itself as it changes (the objective form) sees the pick too.
    picker.value.dispatchEvent(new Event("change", { bubbles: true }));
    picker.search.focus();
  });
})();
