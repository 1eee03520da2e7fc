// A page sent back with form errors: focus its error summary, so that a screen reader reads
// it and the keyboard starts from it, and say so in the window's title. The summary the
// address points to (#…-errors, on a page with several forms) first.
(function () {
  "use strict";
  var summaries = document.querySelectorAll(".error-summary");
  if (!summaries.length) {
    return;
  }
  var named = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  var summary = named && named.classList.contains("error-summary") ? named : summaries[0];
  summary.focus();
  if (summary.dataset.title) {
    document.title = summary.dataset.title + " – " + document.title;
  }
})();
