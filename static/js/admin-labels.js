// Names the admin's autocomplete boxes (select2) for screen readers: select2 labels its box
// by the chosen value alone, which is empty on a new row, and gives its search box no name.
// Each box takes the name of the field's own <label>, or of the select's aria-label in a
// table of rows (carportal.admin.TabularLabelsMixin). Loaded by carportal.admin.PortalAdmin.
"use strict";
(function () {
  function nameOf(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    return label ? label.textContent.replace(/:\s*$/, "").trim() : select.getAttribute("aria-label");
  }

  function labelBoxes() {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const container = select.nextElementSibling;
      const name = nameOf(select);
      if (!name || !container || !container.classList.contains("select2")) {
        continue;
      }
      const box = container.querySelector(".select2-selection");
      if (box && box.getAttribute("aria-label") !== name) {
        box.removeAttribute("aria-labelledby");
        box.setAttribute("aria-label", name);
      }
      // The box's text (the chosen value, a textbox to screen readers) and the search box.
      for (const part of container.querySelectorAll(
        ".select2-selection__rendered[role=textbox], .select2-search__field"
      )) {
        if (part.getAttribute("aria-label") !== name) {
          part.setAttribute("aria-label", name);
        }
      }
    }
  }

  window.addEventListener("load", () => {
    labelBoxes();
    // Rows added to a programme, and values chosen, redraw boxes: name them again.
    new MutationObserver(labelBoxes).observe(document.body, { childList: true, subtree: true });
  });
})();
