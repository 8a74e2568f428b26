// Pickers (samtale/core/pickers.py): a ds-suggestion combobox whose options come from the
// server as the person types; the chosen id goes into the hidden input after it. Without
// this script the form asks the server to search and lists the matches itself.
(() => {
  const DELAY = 250;
  const timers = new WeakMap();
  const pickerOf = (el) => el.closest && el.closest("ds-suggestion[data-picker]");
  const hiddenOf = (picker) => picker.nextElementSibling && picker.nextElementSibling.matches("[data-picker-value]") ? picker.nextElementSibling : null;

  async function search(picker, input) {
    const list = picker.querySelector("u-datalist");
    const query = input.value.trim();
    if (!query) { list.replaceChildren(); return; }
    const url = new URL(picker.dataset.picker, window.location.href);
    url.searchParams.set("q", query);
    let html = "";
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      html = await response.text();
    } catch (_error) {
      return;
    }
    if (input.value.trim() !== query) return; // an older answer: the person typed on
    const template = document.createElement("template");
    template.innerHTML = html;
    list.replaceChildren(template.content);
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    const picker = pickerOf(input);
    if (!picker || input.type !== "search") return;
    const hidden = hiddenOf(picker);
    // Choosing an option writes its text into the field (an input event, which may come
    // before or after the combobox's own event): that is a choice, not a new search.
    const chosen = [...picker.querySelectorAll("u-option[value]:not([value=''])")].find(
      (option) => option.textContent === input.value
    );
    if (chosen) {
      if (hidden) hidden.value = chosen.value;
      input.dataset.chosen = chosen.textContent;
      clearTimeout(timers.get(picker));
      return;
    }
    // Typing means searching again: the earlier choice no longer holds.
    if (hidden && input.value !== input.dataset.chosen) hidden.value = "";
    clearTimeout(timers.get(picker));
    timers.set(picker, setTimeout(() => search(picker, input), DELAY));
  });

  document.addEventListener("comboboxafterselect", (event) => {
    const picker = pickerOf(event.target);
    if (!picker) return;
    const hidden = hiddenOf(picker);
    const item = event.detail;
    const input = picker.querySelector("input[type=search]");
    if (hidden) {
      hidden.value = item && item.isConnected ? item.value : "";
      hidden.dispatchEvent(new Event("change", { bubbles: true })); // a filter form searches again
    }
    // The field shows the option's text once the selection settles; typing anything else
    // afterwards clears the choice (the input handler above).
    if (input) input.dataset.chosen = item && item.isConnected ? item.textContent : "";
  });
})();
