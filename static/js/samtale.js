// Progress for slow form posts: a form with data-busy="…" shows that text on its
// button while the server works, and the button cannot be pressed twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const text = form.dataset && form.dataset.busy;
  if (!text || event.defaultPrevented) return;
  const button = form.querySelector("button[type=submit], button:not([type])");
  if (!button) return;
  button.textContent = text;
  button.setAttribute("aria-disabled", "true");
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
});

// The phone header: the menu folds behind its button. Escape closes it and gives focus back.
(() => {
  const button = document.querySelector(".menu-button");
  const menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  const set = (open) => {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();

// After an htmx swap the part that came back says where focus goes (data-focus-here: the
// updated card's heading, or the field in error) and what to announce (data-announce). The
// announcement goes to the page's #announce status region, which no swap replaces, so a
// screen reader hears it once.
document.addEventListener("htmx:afterSettle", () => {
  const said = document.querySelector("[data-announce]");
  const region = document.getElementById("announce");
  if (said && region) {
    region.textContent = "";
    const text = said.dataset.announce;
    said.removeAttribute("data-announce");
    window.setTimeout(() => { region.textContent = text; }, 100);
  }
  const target = document.querySelector("[data-focus-here]");
  if (target) {
    target.removeAttribute("data-focus-here");
    target.focus();
  }
});

// A table wider than the screen scrolls sideways inside its .table-wrap: then the wrapper
// takes keyboard focus (so the arrows scroll it) and is named by the table's caption or the
// heading before it. One that fits stays out of the tab order.
(() => {
  const name = (wrap) => {
    const caption = wrap.querySelector("caption");
    if (caption) return caption.textContent.trim();
    let el = wrap.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) el = el.previousElementSibling;
    return el ? el.textContent.trim() : document.title;
  };
  const mark = () => {
    document.querySelectorAll(".table-wrap").forEach((wrap) => {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", name(wrap));
      } else if (wrap.hasAttribute("tabindex")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  };
  mark();
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();

// A button with data-copy="<id>" copies that field's text (a new API token) and says so on
// itself and to a screen reader; where the clipboard is not offered, the text is selected.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const said = () => {
    const region = document.getElementById("announce");
    button.textContent = button.dataset.copied;
    if (region) region.textContent = button.dataset.copied;
  };
  field.focus();
  field.select();
  const selected = () => {
    if (document.execCommand && document.execCommand("copy")) said();
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(said, selected);
  } else {
    selected();
  }
});
