// Drafts: the texts autosave.js keeps in this browser until the server has them, and what
// session.js keeps of a form the session ended under. Every key starts with "samtale:" and
// the person's id (conversations/_autosave.html, session.js), every value is JSON with the
// time it was kept ("at", ms). On a shared computer the next person must not read them:
// signing out (autosave.js, and the answer's Clear-Site-Data) removes them all, and so does
// the login page it lands on (data-forget-all). After a session expired, the login page
// (data-keep-for) keeps only that person's recent drafts, for them to save after signing in
// again; the first page of whoever signs in removes everyone else's (session.js).
(function () {
  "use strict";
  const PREFIX = "samtale:";

  function keys() {
    // Keys first: removing while walking by index would skip some.
    const all = [];
    for (let i = 0; i < localStorage.length; i++) all.push(localStorage.key(i));
    return all.filter((key) => key && key.startsWith(PREFIX));
  }

  function forgetAll() {
    try {
      keys().forEach((key) => localStorage.removeItem(key));
    } catch (e) { /* storage disabled: nothing was kept */ }
  }

  // The drafts of `owner` kept within the last `maxAgeMs` stay; every other one goes. A form's
  // text sent when the session had already ended is marked stranded: session.js puts it back
  // into its form after sign-in (a text it finds unmarked reached the server and is dropped).
  function keepOnly(owner, maxAgeMs) {
    const mine = PREFIX + owner + "/";
    const now = Date.now();
    try {
      keys().forEach((key) => {
        let kept = null;
        try { kept = JSON.parse(localStorage.getItem(key)); } catch (e) { kept = null; }
        const fresh = kept && typeof kept.at === "number" && now - kept.at <= maxAgeMs;
        if (!key.startsWith(mine) || !fresh) {
          localStorage.removeItem(key);
        } else if (kept.form && !kept.stranded) {
          kept.stranded = true;
          localStorage.setItem(key, JSON.stringify(kept));
        }
      });
    } catch (e) { /* storage disabled: nothing was kept */ }
  }

  window.samtaleDrafts = { forgetAll: forgetAll, keepOnly: keepOnly };
  const script = document.currentScript;
  if (script && script.hasAttribute("data-forget-all")) forgetAll();
  if (script && script.dataset.keepFor) {
    keepOnly(script.dataset.keepFor, parseInt(script.dataset.keepSeconds || "0", 10) * 1000);
  }
})();
