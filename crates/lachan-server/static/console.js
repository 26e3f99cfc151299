// Progressive enhancement only: every page works without this script.
// Forms marked data-confirm ask before submitting (destructive actions).
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm) {
    if (!window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
    }
  }
});
// Lists marked data-autorefresh="N" reload every N seconds while nobody is typing in a
// form on the page, so new alerts appear without a click.
(function () {
  var el = document.querySelector("[data-autorefresh]");
  if (!el) return;
  var secs = parseInt(el.dataset.autorefresh, 10);
  if (!(secs > 0)) return;
  setInterval(function () {
    var a = document.activeElement;
    var typing = a && (a.tagName === "INPUT" || a.tagName === "SELECT" || a.tagName === "TEXTAREA");
    if (!typing && document.visibilityState === "visible") {
      window.location.reload();
    }
  }, secs * 1000);
})();
