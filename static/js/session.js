// The end of a session, announced in time (WCAG 2.2.1), and nothing typed lost to it.
//
// Every signed-in page has <dialog id="session-warning"> (accounts/_session_warning.html)
// with the seconds its session had left when the page was made. data-warn-seconds before
// the end this script asks the server how long is really left (a request in another tab or
// an htmx update may have moved the end; asking does not) and, if the end is near, opens the
// dialog with focus on "Continue". Continue, or Escape, renews the session; "Sign out" signs
// out. A renewal is told to the other tabs (localStorage "samtale-session"). When the
// absolute limit comes first, nothing can renew it: the dialog says so and only closes.
//
// When the end comes, the text typed in forms marked data-draft is kept in this browser
// (drafts.js) and the page goes to the login page, which comes back here after sign-in; the
// text is then put back into its form (autosave.js restores and saves its own texts). An
// htmx request that meets an ended session is answered 401 with HX-Redirect to the login
// page, and a form posted without htmx is kept as it leaves; both come back the same way.
(function () {
  "use strict";
  const dialog = document.getElementById("session-warning");
  if (!dialog) return;
  const D = dialog.dataset;
  const PREFIX = "samtale:";
  const MINE = PREFIX + D.owner + "/";
  const FORM_SUFFIX = "#form";
  const CHANNEL = "samtale-session"; // not a draft: no "samtale:" prefix
  const WARN_MS = parseInt(D.warnSeconds, 10) * 1000;
  const countdown = dialog.querySelector("[data-session-countdown]");
  const error = dialog.querySelector("[data-session-error]");
  const continueButton = dialog.querySelector("[data-session-continue]");
  const closeButton = dialog.querySelector("[data-session-close]");

  let expiresAt = Date.now() + parseInt(D.secondsLeft, 10) * 1000;
  let renewable = D.renewable === "true";
  let dismissed = false; // the final warning was read and closed
  let ended = false;
  let timer = null;
  let ticker = null;
  let asking = null;
  let renewing = false;
  let closeReason = null;
  let returnFocus = null;

  const csrf = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  };

  // ---- What was typed in forms (data-draft) --------------------------------------------

  function formKey(form) {
    const url = new URL(form.getAttribute("action") || form.getAttribute("hx-post") || location.href, location.href);
    return MINE + url.pathname.replace(/^\//, "") + FORM_SUFFIX;
  }

  function fields(form) {
    const skip = ["hidden", "submit", "button", "reset", "password", "file"];
    return Array.from(form.elements).filter(
      (el) => el.name && el.name !== "csrfmiddlewaretoken" && !skip.includes(el.type)
    );
  }

  // Only a form with text typed in it is worth keeping; its choices are kept along with it.
  function typed(form) {
    return fields(form).some(
      (el) => (el.tagName === "TEXTAREA" || el.type === "text") && el.value.trim() && el.value !== el.defaultValue
    );
  }

  function keepForm(form, stranded) {
    const values = fields(form)
      .filter((el) => !((el.type === "checkbox" || el.type === "radio") && !el.checked))
      .map((el) => [el.name, el.value]);
    try {
      localStorage.setItem(formKey(form), JSON.stringify({ form: true, fields: values, at: Date.now(), stranded: stranded }));
    } catch (e) { /* storage full or disabled: nothing more can be done */ }
  }

  function forgetForm(form) {
    try { localStorage.removeItem(formKey(form)); } catch (e) { /* ignore */ }
  }

  function keepTyped() {
    document.querySelectorAll("form[data-draft]").forEach((form) => { if (typed(form)) keepForm(form, true); });
  }

  function restore(form, kept) {
    const values = kept.fields || [];
    fields(form).forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.some(([name, value]) => name === el.name && value === el.value);
      } else {
        const pair = values.find(([name]) => name === el.name);
        if (pair) el.value = pair[1];
      }
    });
    const details = form.closest("details");
    if (details) details.open = true;
    const note = document.createElement("div");
    note.className = "ds-alert restored";
    note.dataset.color = "info";
    note.dataset.size = "sm";
    note.setAttribute("role", "status");
    note.textContent = D.restored;
    form.insertAdjacentElement("beforebegin", note);
  }

  // On every signed-in page: another person's drafts leave (they can only be here after that
  // person's session expired); a form's text kept as it was sent reached the server, since
  // this page came next, and leaves; text stranded by the session's end goes back into its form.
  function sweep() {
    const forms = new Map();
    document.querySelectorAll("form[data-draft]").forEach((form) => forms.set(formKey(form), form));
    try {
      const keys = [];
      for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
      keys.filter((key) => key && key.startsWith(PREFIX)).forEach((key) => {
        if (!key.startsWith(MINE)) { localStorage.removeItem(key); return; }
        if (!key.endsWith(FORM_SUFFIX)) return; // autosave.js's own
        let kept = null;
        try { kept = JSON.parse(localStorage.getItem(key)); } catch (e) { kept = null; }
        if (!kept || !kept.stranded) { localStorage.removeItem(key); return; }
        const form = forms.get(key);
        if (form) {
          restore(form, kept);
          localStorage.removeItem(key);
        }
      });
    } catch (e) { /* storage disabled: nothing was kept */ }
  }

  // A form posted without htmx leaves the page: its text is kept until the next page shows
  // whether it arrived (sweep) or met an ended session (the login page marks it stranded).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches && form.matches("form[data-draft]") && typed(form)) keepForm(form, false);
  }, true);

  // htmx reads HX-Redirect before it swaps anything, and this comes before both.
  document.addEventListener("htmx:beforeOnLoad", (event) => {
    const xhr = event.detail && event.detail.xhr;
    if (!xhr) return;
    if (xhr.status === 401) {
      stop();
      keepTyped();
      return;
    }
    const elt = event.detail.elt;
    const form = elt && elt.closest ? elt.closest("form[data-draft]") : null;
    if (form) forgetForm(form);
  });

  // ---- The clock --------------------------------------------------------------------

  function stop() {
    ended = true;
    clearTimeout(timer);
    clearInterval(ticker);
  }

  function end() {
    if (ended) return;
    stop();
    keepTyped();
    location.assign(D.loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search));
  }

  function schedule() {
    clearTimeout(timer);
    if (ended) return;
    const left = expiresAt - Date.now();
    // At least a second between questions, however the answers come.
    timer = setTimeout(check, Math.max(1000, dismissed ? left : left - WARN_MS));
  }

  function ask(method) {
    return fetch(D.statusUrl, {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
    }).then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function learn(data) {
    if (!data.signed_in) {
      end();
      return false;
    }
    expiresAt = Date.now() + data.seconds_left * 1000;
    renewable = data.renewable;
    return true;
  }

  function check() {
    if (ended) return Promise.resolve();
    if (asking) return asking;
    asking = ask("GET")
      .then((data) => {
        if (!learn(data)) return;
        if (expiresAt - Date.now() > WARN_MS) {
          dismissed = false;
          closeQuietly();
          schedule();
        } else if (dismissed) {
          schedule();
        } else {
          warn();
        }
      })
      .catch(() => {
        clearTimeout(timer);
        timer = setTimeout(check, 15000); // no connection: ask again soon
      })
      .finally(() => { asking = null; });
    return asking;
  }

  function tick() {
    const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
    countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left <= 0) check();
  }

  function warn() {
    const state = renewable ? "renewable" : "final";
    dialog.querySelectorAll("[data-session-when]").forEach((el) => { el.hidden = el.dataset.sessionWhen !== state; });
    tick();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    if (dialog.open) return;
    error.textContent = "";
    returnFocus = document.activeElement;
    dialog.showModal();
    (renewable ? continueButton : closeButton).focus();
  }

  function closeQuietly() {
    clearInterval(ticker);
    if (!dialog.open) return;
    closeReason = "done";
    dialog.close();
  }

  function renew() {
    if (renewing || ended) return;
    renewing = true;
    ask("POST")
      .then((data) => {
        if (!learn(data)) return;
        dismissed = false;
        try { localStorage.setItem(CHANNEL, String(expiresAt)); } catch (e) { /* one tab then */ }
        closeQuietly();
        schedule();
      })
      .catch(() => {
        if (!dialog.open) warn();
        error.textContent = D.unreachable;
      })
      .finally(() => { renewing = false; });
  }

  continueButton.addEventListener("click", renew);
  closeButton.addEventListener("click", () => {
    dismissed = true;
    closeQuietly();
    schedule();
  });
  // Escape closes a modal dialog by itself; closing it so is taken as "Continue".
  dialog.addEventListener("close", () => {
    const reason = closeReason;
    closeReason = null;
    clearInterval(ticker);
    if (reason === null && !ended) {
      if (renewable) renew();
      else { dismissed = true; schedule(); }
    }
    if (returnFocus && returnFocus.isConnected && returnFocus.focus) returnFocus.focus();
    returnFocus = null;
  });

  // Another tab renewed the session.
  window.addEventListener("storage", (event) => {
    if (event.key !== CHANNEL || !event.newValue || ended) return;
    const at = parseInt(event.newValue, 10);
    if (!(at > 0)) return;
    expiresAt = at;
    if (expiresAt - Date.now() > WARN_MS) {
      dismissed = false;
      closeQuietly();
    }
    schedule();
  });
  // A hidden tab's timers may run late: look again when it is shown.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !ended && Date.now() >= expiresAt - WARN_MS) check();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) { ended = false; check(); }
  });

  window.samtaleSession = { check: check };
  sweep();
  schedule();
})();
