// Texts that save themselves: nothing typed is lost.
//
// A <textarea data-autosave-url data-version data-storage> is saved a second after
// typing stops, when it loses focus, and when the page is hidden or left. Until the
// server confirms, the text is also kept in this browser (a draft, drafts.js), so a closed
// tab or a crashed browser loses nothing: the text comes back the next time the page opens.
// Signing out saves what it can and then removes every draft, saved or not: on a shared
// computer the next person must not read them. When the session has expired instead, the
// draft stays for the same person: session.js takes them to the login page, and after
// signing in the text comes back here and is saved (drafts.js keeps it for them).
// The server answers a save based on an older version with 409 and the saved text;
// the writer then compares the two and chooses. A text over its limit is answered with
// 413 and why (JSON); a body too large for the server to read at all, with 413 or 400 and
// a page that is no JSON. Either way the text stays, the reason is shown beside it, and
// the same text is not sent again: only a change (a shorter text) is saved.
(function () {
  "use strict";
  const textsElement = document.getElementById("autosave-texts");
  if (!textsElement) return;
  const T = textsElement.dataset;
  const csrf = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  };
  const editors = [];
  // Signing out waits this long for the last saves, then signs out anyway: a save that
  // hangs must not leave the session open on a shared computer.
  const SIGN_OUT_WAIT_MS = 5000;
  let signingOut = false;

  // Other parts of the page the save changed (the preparation's index), by element id,
  // rendered by the server's templates: put in place as htmx's out-of-band swap would.
  function swapIn(parts) {
    if (!parts) return;
    Object.keys(parts).forEach((id) => {
      const element = document.getElementById(id);
      if (!element) return;
      element.innerHTML = parts[id];
      if (window.htmx) window.htmx.process(element);
    });
  }

  function Editor(textarea) {
    this.textarea = textarea;
    this.url = textarea.dataset.autosaveUrl;
    this.storageKey = textarea.dataset.storage;
    this.version = parseInt(textarea.dataset.version || "0", 10);
    this.status = document.getElementById(textarea.id + "-status");
    this.form = textarea.closest("form");
    this.dirty = false;
    this.inflight = null;
    this.timer = null;
    this.conflict = null;
    // The text the server refused as too long: not sent again until it changes.
    this.refused = null;
    // The scripts come after the page has painted: text typed before this one came is newer
    // than any draft kept from an earlier visit, and is saved as any change is.
    if (textarea.value !== textarea.defaultValue) this.changed();
    else this.restore();
    textarea.addEventListener("input", () => this.changed());
    textarea.addEventListener("blur", () => { if (this.dirty) this.save(); });
    if (this.form) {
      // With JavaScript the form is never posted: saving is automatic.
      this.form.addEventListener("submit", (event) => { event.preventDefault(); this.save(); });
    }
  }

  Editor.prototype.say = function (text, kind) {
    if (!this.status) return;
    this.status.textContent = text;
    this.status.dataset.kind = kind || "";
  };

  Editor.prototype.keep = function () {
    // Once signing out has begun nothing more is kept: it removes every draft.
    if (signingOut) return;
    try {
      localStorage.setItem(
        this.storageKey,
        JSON.stringify({ text: this.textarea.value, version: this.version, at: Date.now() })
      );
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  };

  Editor.prototype.forget = function () {
    try { localStorage.removeItem(this.storageKey); } catch (e) { /* ignore */ }
  };

  Editor.prototype.restore = function () {
    let kept = null;
    try { kept = JSON.parse(localStorage.getItem(this.storageKey) || "null"); } catch (e) { kept = null; }
    if (!kept || kept.text === this.textarea.value) { this.forget(); return; }
    // Unsaved text from an earlier visit: put it back and save it on the version it was written on.
    this.textarea.value = kept.text;
    this.version = kept.version;
    this.dirty = true;
    this.say(T.restored, "pending");
    this.save();
  };

  Editor.prototype.changed = function () {
    this.dirty = true;
    this.refused = null;
    this.keep();
    this.say(T.unsaved, "pending");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), 1000);
  };

  Editor.prototype.body = function () {
    const data = new FormData();
    data.append("text", this.textarea.value);
    data.append("version", String(this.version));
    data.append("csrfmiddlewaretoken", csrf());
    return data;
  };

  Editor.prototype.save = function (keepalive) {
    clearTimeout(this.timer);
    if (this.conflict) return Promise.resolve();
    if (this.inflight) { this.again = true; return this.inflight; }
    if (!this.dirty) return Promise.resolve();
    if (this.refused !== null && this.refused === this.textarea.value) return Promise.resolve();
    const sent = this.textarea.value;
    this.say(T.saving, "pending");
    this.inflight = fetch(this.url, {
      method: "POST",
      body: this.body(),
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
      redirect: "manual",
      // keepalive lets the save finish when the tab is closed or hidden, and its answer
      // still updates the version when the page lives on.
      keepalive: Boolean(keepalive),
    }).then((response) => {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        // The session has ended: the text stays in this browser, and session.js sees whether
        // it expired (then to the login page, and back here to save it) or was signed out.
        this.keep();
        this.say(T.signedOut, "error");
        if (window.samtaleSession) window.samtaleSession.check();
        return;
      }
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      if (!json && (response.status === 413 || response.status === 400)) {
        // The server (or a proxy before it) could not take a body this large.
        this.tooLarge(sent, T.tooLarge);
        return;
      }
      return response.json().then((data) => {
        if (response.status === 409) {
          this.showConflict(sent, data.theirs, data.version, data.message);
        } else if (data.error === "too_large") {
          this.tooLarge(sent, data.message || T.tooLarge);
        } else if (!response.ok) {
          this.say(data.error || T.failed, "error");
        } else {
          this.version = data.version;
          swapIn(data.swap);
          if (this.textarea.value === sent) {
            this.dirty = false;
            this.forget();
            this.say(data.message, "ok");
          } else {
            this.keep();
            this.again = true;
          }
        }
      });
    }).catch(() => {
      this.say(T.offline, "error");
      this.timer = setTimeout(() => this.save(), 5000);
    }).finally(() => {
      this.inflight = null;
      // Returned, so that whoever waits for this save (signing out) also waits for the
      // text typed while it was under way.
      if (this.again) { this.again = false; return this.save(); }
    });
    return this.inflight;
  };

  Editor.prototype.tooLarge = function (sent, message) {
    // Kept in this browser as well (a draft), so it is not lost if the page is closed.
    this.keep();
    this.refused = sent;
    this.say(message, "error");
  };

  Editor.prototype.showConflict = function (mine, theirs, version, message) {
    const panel = document.createElement("div");
    panel.className = "conflict";
    panel.setAttribute("role", "alert");
    const intro = document.createElement("p");
    intro.textContent = message;
    panel.appendChild(intro);
    const both = document.createElement("div");
    both.className = "side-by-side";
    [[T.yours, mine], [T.theirs, theirs]].forEach(([title, text]) => {
      const box = document.createElement("div");
      box.className = "note";
      const h = document.createElement("h4");
      h.textContent = title;
      const p = document.createElement("p");
      p.className = "prewrap";
      p.textContent = text;
      box.append(h, p);
      both.appendChild(box);
    });
    panel.appendChild(both);
    const buttons = document.createElement("p");
    buttons.className = "actions";
    const keepMine = document.createElement("button");
    keepMine.type = "button";
    keepMine.textContent = T.keepMine;
    const useTheirs = document.createElement("button");
    useTheirs.type = "button";
    useTheirs.className = "secondary";
    useTheirs.textContent = T.useTheirs;
    buttons.append(keepMine, useTheirs);
    panel.appendChild(buttons);
    this.textarea.insertAdjacentElement("afterend", panel);
    this.conflict = panel;
    this.say(T.conflict, "error");
    const close = () => { panel.remove(); this.conflict = null; this.textarea.focus(); };
    keepMine.addEventListener("click", () => {
      this.version = version;
      this.textarea.value = mine;
      this.dirty = true;
      close();
      this.save();
    });
    useTheirs.addEventListener("click", () => {
      this.version = version;
      this.textarea.value = theirs;
      this.dirty = false;
      this.forget();
      close();
      this.say(T.usedTheirs, "ok");
    });
    keepMine.focus();
  };

  document.querySelectorAll("textarea[data-autosave-url]").forEach((t) => editors.push(new Editor(t)));
  if (!editors.length) return;

  const flush = () => Promise.all(editors.map((e) => e.save()));
  const flushBeforeSignOut = () =>
    Promise.race([
      flush().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, SIGN_OUT_WAIT_MS)),
    ]);
  window.addEventListener("pagehide", () => editors.forEach((e) => e.save(true)));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") editors.forEach((e) => e.save(true));
  });
  // Forms that move the conversation on (share, send, approve) save every text first;
  // signing out too, and then removes every draft in this browser, saved or not.
  // An htmx form (sharing a note) waits for the saves the same way, through htmx's
  // confirm step, so the request carries on once the text is on the server.
  document.addEventListener("htmx:confirm", (event) => {
    const elt = event.detail && event.detail.elt;
    if (!elt || !elt.closest || !elt.closest("form[data-flush-autosave]")) return;
    event.preventDefault();
    flush().catch(() => undefined).then(() => event.detail.issueRequest(true));
  });
  document.querySelectorAll("form[data-flush-autosave], form[action$='/logg-ut/']").forEach((form) => {
    if (form.hasAttribute("hx-post")) return;
    form.addEventListener("submit", (event) => {
      if (form.dataset.flushed) return;
      event.preventDefault();
      // The button pressed goes with the form (its formaction, its name): a form with more
      // than one (the summary's send and save) posts what was chosen.
      const submitter = event.submitter || undefined;
      const signOut = form.action.endsWith("/logg-ut/");
      (signOut ? flushBeforeSignOut() : flush()).then(() => {
        form.dataset.flushed = "1";
        if (signOut) {
          signingOut = true;
          editors.forEach((e) => e.forget());
          if (window.samtaleDrafts) window.samtaleDrafts.forgetAll();
        }
        // After this event has finished: a submit requested while the browser is still
        // dispatching the first one is silently ignored.
        setTimeout(() => (form.requestSubmit ? form.requestSubmit(submitter) : form.submit()), 0);
      });
    });
  });
})();
