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
