// Warns before leaving an admin form with unsaved changes (carportal.admin.PortalAdmin).
// A progressive enhancement: without JavaScript the form works the same, without the warning.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#content-main form[method=post]");
  if (!form) {
    return;
  }
  let changed = false;
  form.addEventListener("input", () => { changed = true; });
  form.addEventListener("change", () => { changed = true; });
  form.addEventListener("submit", () => { changed = false; });
  window.addEventListener("beforeunload", (event) => {
    if (changed) {
      event.preventDefault();
      event.returnValue = "";  // the browser shows its own wording
    }
  });
});
