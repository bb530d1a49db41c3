// @mentions in comment fields: type @ and a few letters, pick a person from the list (mouse,
// or arrows and Enter); their address is written after the @. Without this script, typing
// the address (or the part before its @) mentions them just the same.
(() => {
  "use strict";
  const WORD = /(^|[^\w@.+-])@([\w.+-]*)$/;
  let timer = null;
  let active = -1;

  const listOf = (field) => field.parentElement.querySelector(".mention-list");

  function close(field) {
    const list = listOf(field);
    if (list) { list.hidden = true; list.replaceChildren(); }
    field.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function word(field) {
    const before = field.value.slice(0, field.selectionStart);
    const found = WORD.exec(before);
    return found ? found[2] : null;
  }

  function insert(field, handle) {
    const caret = field.selectionStart;
    const before = field.value.slice(0, caret).replace(/@[\w.+-]*$/, "@" + handle + " ");
    field.value = before + field.value.slice(caret);
    field.selectionStart = field.selectionEnd = before.length;
    close(field);
    field.focus();
  }

  function show(field, results) {
    const list = listOf(field);
    if (!list) return;
    list.replaceChildren();
    results.forEach((person, index) => {
      const item = document.createElement("li");
      item.id = `mention-${index}`;
      item.setAttribute("role", "option");
      item.dataset.handle = person.handle;
      item.textContent = `${person.name} · ${person.email}`;
      item.addEventListener("mousedown", (event) => { event.preventDefault(); insert(field, person.handle); });
      list.append(item);
    });
    list.hidden = results.length === 0;
    active = -1;
  }

  function highlight(field, index) {
    const items = listOf(field).querySelectorAll("[role=option]");
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => item.setAttribute("aria-selected", i === active ? "true" : "false"));
    field.setAttribute("aria-activedescendant", items[active].id);
  }

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.dataset.mentions) return;
    const query = word(field);
    clearTimeout(timer);
    if (!query) { close(field); return; }
    timer = setTimeout(async () => {
      const url = `${field.dataset.mentions}?q=${encodeURIComponent(query)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) show(field, (await response.json()).results);
    }, 150);
  });

  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.dataset.mentions) return;
    const list = listOf(field);
    if (!list || list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(field, active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      insert(field, list.querySelectorAll("[role=option]")[active].dataset.handle);
    } else if (event.key === "Escape") {
      close(field);
    }
  });

  document.addEventListener("focusout", (event) => {
    const field = event.target;
    if (field instanceof HTMLTextAreaElement && field.dataset.mentions) close(field);
  });
})();
