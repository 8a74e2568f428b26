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
