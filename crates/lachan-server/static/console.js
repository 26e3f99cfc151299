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
