// Keyboard shortcuts ("?" lists them) and the command palette (Ctrl/Cmd-K). The links
// and their keys are in the shortcuts dialog (front/_shortcuts.html); nothing fires
// while a field is being typed in, nor with a dialog open.
(function () {
  "use strict";
  var pending = "";
  var pendingTimer = null;

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable], [contenteditable=''], [contenteditable=true]");
  }

  function openDialog(id) {
    var dialog = document.getElementById(id);
    if (dialog && !dialog.open) dialog.showModal();
    return dialog;
  }

  function follow(keys) {
    var link = document.querySelector('#shortcuts a[data-keys="' + keys + '"]');
    if (link) {
      window.location.assign(link.href);
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
      if (!document.getElementById("palette")) return;
      event.preventDefault();
      openPalette();
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    var key = event.key;
    if (pending === "g") {
      pending = "";
      clearTimeout(pendingTimer);
      if (follow("g " + key)) event.preventDefault();
      return;
    }
    if (key === "?") {
      if (openDialog("shortcuts")) event.preventDefault();
    } else if (key === "/") {
      var search = document.getElementById("header-search");
      if (search) {
        event.preventDefault();
        var panel = search.closest(".nav-panel");
        var toggle = document.querySelector(".nav-toggle");
        if (panel && toggle && toggle.getAttribute("aria-expanded") === "false" && getComputedStyle(toggle).display !== "none") toggle.click();
        search.focus();
      }
    } else if (key === "g") {
      pending = "g";
      pendingTimer = setTimeout(function () { pending = ""; }, 1500);
    } else if (key === "c") {
      if (follow("c")) event.preventDefault();
    }
  });

  // The palette: a combobox whose options come from the palette endpoint as you type.
  var active = -1;
  var results = [];
  var timer = null;
  var asked = 0;

  function parts() {
    return {
      dialog: document.getElementById("palette"),
      input: document.getElementById("palette-input"),
      list: document.getElementById("palette-results"),
      status: document.getElementById("palette-status"),
      url: document.querySelector("[data-palette-url]").dataset.paletteUrl
    };
  }

  function openPalette() {
    var p = parts();
    openDialog("palette");
    p.input.value = "";
    show([], p.status.dataset.hint);
    p.input.focus();
  }

  function select(index) {
    var p = parts();
    var options = p.list.querySelectorAll("[role=option]");
    active = options.length ? (index + options.length) % options.length : -1;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active >= 0) {
      p.input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function show(items, message) {
    var p = parts();
    results = items;
    p.list.replaceChildren();
    items.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = "palette-option-" + i;
      option.setAttribute("role", "option");
      option.dataset.url = item.url;
      var link = document.createElement("span");
      link.className = "palette-option";
      var kind = document.createElement("span");
      kind.className = "tag";
      kind.textContent = item.kind;
      var label = document.createElement("span");
      label.className = "palette-label";
      label.textContent = item.label;
      link.append(kind, " ", label);
      if (item.meta) {
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = item.meta;
        link.append(" ", meta);
      }
      option.append(link);
      p.list.append(option);
    });
    p.list.hidden = !items.length;
    p.input.setAttribute("aria-expanded", items.length ? "true" : "false");
    p.status.textContent = message;
    select(items.length ? 0 : -1);
  }

  function lookUp() {
    var p = parts();
    var query = p.input.value.trim();
    if (!query) {
      show([], p.status.dataset.hint);
      return;
    }
    var ticket = ++asked;
    fetch(p.url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (ticket !== asked) return;
        show(data.results, data.results.length ? "" : p.status.dataset.empty);
      });
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("#palette-results [role=option]");
    if (option) window.location.assign(option.dataset.url);
  });

  document.addEventListener("input", function (event) {
    if (event.target.id !== "palette-input") return;
    clearTimeout(timer);
    timer = setTimeout(lookUp, 120);
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.id !== "palette-input") return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      select(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      select(active - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (active >= 0 && results[active]) window.location.assign(results[active].url);
    }
  });
})();

// A key result checked in where it is listed: Escape cancels the editor, and once the
// objective comes back, the focus returns to the key result's line.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest(".inline-check-in, .agenda-item .quick-checkin");
    if (!form) return;
    event.preventDefault();
    var cancel = form.querySelector(".inline-cancel");
    if (cancel) {
      // Asked directly: the editor may be too fresh for htmx to have wired its buttons.
      var article = form.closest("article");
      if (window.htmx && article) {
        window.htmx.ajax("GET", cancel.getAttribute("hx-get"), { target: article, swap: "outerHTML" });
      } else {
        cancel.click();
      }
    } else {
      // The weekly meeting's line: what was typed is dropped, the focus goes to the line.
      form.reset();
      var title = form.closest(".agenda-item").querySelector("a");
      if (title) title.focus();
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-focus-kr]").forEach(function (article) {
      var id = article.getAttribute("data-focus-kr");
      article.removeAttribute("data-focus-kr");
      var line = document.getElementById("kr-" + id) || article;
      var target = line.querySelector(".kr-checkin") || line.querySelector("a");
      if (target) target.focus();
    });
  });
})();
