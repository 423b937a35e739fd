/* Going to an address with a #section: the page's content is drawn after the browser looks for the section, so
 * the browser alone would stay at the top. Once the section is on the page, scroll to it and move the keyboard
 * focus there (a link from one page to a section of another, e.g. a judgement to How to read these pages). */
(function () {
  "use strict";
  var done = null;
  function reach() {
    var hash = window.location.hash;
    var key = window.location.pathname + window.location.search + hash;
    if (!hash || hash.length < 2 || key === done) { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) { return; }
    done = key;
    // Already there (the browser moves focus to a skip link's target itself, and the keyboard may have gone on
    // inside it before this runs): taking focus back would undo the reader's last key presses.
    var active = document.activeElement;
    if (active && active !== document.body && target.contains(active)) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }
  function again() { done = null; reach(); }
  new MutationObserver(reach).observe(document.documentElement, { subtree: true, childList: true });
  window.addEventListener("hashchange", again);
  window.addEventListener("popstate", again);
  window.addEventListener("_dashprivate_pushstate", again);
  reach();
})();
