// Drafts: the texts autosave.js keeps in this browser until the server has them. Every key
// starts with "samtale:" (conversations/_autosave.html builds them). On a shared computer
// the next person must not read them, so signing out (autosave.js) and the login page,
// where both a sign-out and an expired session land, remove them all: this page's and
// those other pages left behind earlier. With data-forget-all the script does it at once.
(function () {
  "use strict";
  const PREFIX = "samtale:";

  function forgetAll() {
    try {
      // Keys first: removing while walking by index would skip some.
      const keys = [];
      for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
      keys.filter((key) => key && key.startsWith(PREFIX)).forEach((key) => localStorage.removeItem(key));
    } catch (e) { /* storage disabled: nothing was kept */ }
  }

  window.samtaleDrafts = { forgetAll: forgetAll };
  if (document.currentScript && document.currentScript.hasAttribute("data-forget-all")) forgetAll();
})();
