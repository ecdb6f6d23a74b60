/* Page behaviour shared by every page: the mobile navigation toggle and closing the user menu. */
(function () {
  "use strict";
  function setNav(open) {
    document.body.classList.toggle("nav-open", open);
    document.querySelectorAll(".nav-toggle").forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      setNav(!document.body.classList.contains("nav-open"));
      return;
    }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setNav(false);
  });
  /* Auto-submit filter forms marked data-autosubmit when htmx is unavailable, and the form of a
     control marked data-submit-on-change (inline onchange handlers are barred by the CSP). */
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && event.target.hasAttribute("data-submit-on-change")) {
      form.submit();
      return;
    }
    if (form && form.hasAttribute("data-autosubmit") && !window.htmx) form.submit();
  });
  /* A table wider than its screen scrolls sideways inside .table-wrap: such a region must be
     reachable from the keyboard (axe scrollable-region-focusable), so it joins the tab order. */
  function focusableScrollers(root) {
    (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        var caption = wrap.closest("section") && wrap.closest("section").querySelector("h2");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "表格");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusableScrollers(); });
  } else {
    focusableScrollers();
  }
  document.addEventListener("htmx:afterSwap", function (event) { focusableScrollers(event.target); });
  window.addEventListener("resize", function () { focusableScrollers(); });
})();
