// The talk-time balance on the meeting screen: press who is talking; the share of the
// leader is shown against the guide's 30/70 and saved as totals every few seconds. The
// line on the screen changes every second, so it is not a live region: the page's
// #announce region says who is talking when that changes, the warning once when the
// leader's share passes it, and the current share when "Read the current share" is pressed.
(function () {
  "use strict";
  const box = document.querySelector("[data-talktime-url]");
  if (!box) return;
  const d = box.dataset;
  const goal = parseInt(d.goal, 10);
  const seconds = { leader: parseInt(d.leader, 10) || 0, employee: parseInt(d.employee, 10) || 0 };
  const progress = box.querySelector("progress");
  const text = box.querySelector(".talk-text");
  const buttons = box.querySelectorAll("button[data-speaker]");
  let speaker = "";
  let since = 0;
  let saved = JSON.stringify(seconds);
  let warned = false;
  const region = document.getElementById("announce");
  const say = (words) => {
    if (!region) return;
    region.textContent = "";
    setTimeout(() => { region.textContent = words; }, 100);
  };
  const csrf = () => JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];

  function totals() {
    const now = Date.now();
    const t = { leader: seconds.leader, employee: seconds.employee };
    if (speaker) t[speaker] += Math.floor((now - since) / 1000);
    return t;
  }

  function render() {
    const t = totals();
    const sum = t.leader + t.employee;
    if (!sum) { text.textContent = d.textNone; progress.value = 0; return; }
    const leader = Math.round((100 * t.leader) / sum);
    progress.value = leader;
    progress.textContent = leader + " %";
    let line = `${d.labelLeader} ${leader} %, ${d.labelEmployee} ${100 - leader} % (${d.labelGoal} ${goal}/${100 - goal})`;
    const over = sum >= 120 && leader > goal + 15;
    if (over) line += ". " + d.textOver;
    if (over && !warned) say(d.textOver);
    warned = over;
    text.textContent = line;
  }

  function commit() {
    if (speaker) {
      const now = Date.now();
      seconds[speaker] += Math.floor((now - since) / 1000);
      since = now - ((now - since) % 1000);
    }
  }

  function save(keepalive) {
    commit();
    const body = JSON.stringify(seconds);
    if (body === saved) return Promise.resolve();
    const data = new FormData();
    data.append("leader_seconds", seconds.leader);
    data.append("employee_seconds", seconds.employee);
    return fetch(d.talktimeUrl, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
    }).then((r) => { if (r.ok) saved = body; else throw new Error(); })
      .catch(() => { text.textContent = d.textUnsaved; });
  }

  buttons.forEach((button) => {
    button.addEventListener("click", () => {
      commit();
      speaker = button.dataset.speaker;
      since = Date.now();
      buttons.forEach((b) => { if (b.classList.contains("talk")) b.setAttribute("aria-pressed", String(b === button)); });
      render();
      say(button.textContent.trim());
      save();
    });
  });
  const read = box.querySelector("[data-talk-read]");
  if (read) read.addEventListener("click", () => { render(); say(text.textContent); });
  // The box sticks to the top of the screen: what gets focus, or a link leads to, stops
  // below it rather than under it (scroll-padding in the stylesheet uses this height).
  const measure = () => document.documentElement.style.setProperty("--talktime-height", box.offsetHeight + "px");
  if ("ResizeObserver" in window) new ResizeObserver(measure).observe(box);
  measure();
  setInterval(render, 1000);
  setInterval(() => save(), 10000);
  window.addEventListener("pagehide", () => save(true));
  // Closing the meeting saves the last seconds first.
  document.querySelectorAll("form[data-flush-talktime]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.flushed) return;
      event.preventDefault();
      speaker = "";
      save().finally(() => {
        form.dataset.flushed = "1";
        // Outside the current submit event, or the browser ignores the request.
        setTimeout(() => (form.requestSubmit ? form.requestSubmit() : form.submit()), 0);
      });
    });
  });
  render();
})();
