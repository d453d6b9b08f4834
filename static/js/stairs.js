// Move focus to the error summary so screen-reader and keyboard users hear what to fix.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // Idle sign-out: once the server-side idle limit has passed, reload the page so that the
  // server signs the session out and no student data stays on an unattended screen.
  var idle = parseInt(document.body.dataset.idleTimeout || "0", 10);
  if (idle > 0) {
    var timer = null;
    var arm = function () {
      window.clearTimeout(timer);
      // A minute's grace: the server records activity with a minute's precision.
      timer = window.setTimeout(function () { window.location.reload(); }, (idle + 65) * 1000);
    };
    document.body.addEventListener("htmx:afterRequest", arm);
    arm();
  }
});
