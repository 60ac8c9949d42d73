/* The progress page of a background job: a large PDF (templates/pdf/job.html) or a large
   spreadsheet import (templates/admin/import_job.html); carportal/jobs.py.
   Without JavaScript the visitor chooses "Check again". With it, the page asks the server
   every few seconds and, when what the job says has changed (its state, or the rows done),
   replaces the status and the actions in place: the page never reloads, and screen readers
   announce the new status politely (role="status"). Nothing else on the page depends on
   this file. */
(function () {
  "use strict";

  var INTERVAL_MS = 2000;
  var GIVE_UP_MS = 15 * 60 * 1000;
  var status = document.getElementById("job-status");
  var actions = document.getElementById("job-actions");
  if (!status || !actions || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = window.location.href;
  var giveUpAt = Date.now() + GIVE_UP_MS;

  function underWay(state) {
    return state === "waiting" || state === "building";
  }

  function update(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var next = page.getElementById("job-status");
    var nextActions = page.getElementById("job-actions");
    if (!next || !nextActions) {
      return;
    }
    if (next.innerHTML !== status.innerHTML) {
      status.setAttribute("data-state", next.getAttribute("data-state"));
      status.innerHTML = next.innerHTML;
      actions.innerHTML = nextActions.innerHTML;
    }
  }

  function check() {
    if (!underWay(status.getAttribute("data-state")) || Date.now() > giveUpAt) {
      return;
    }
    window
      .fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        // A PDF job of content that has changed since leads to the current one.
        url = response.url;
        return response.ok ? response.text() : "";
      })
      .then(update)
      .catch(function () {
        /* Offline for a moment: ask again at the next turn. */
      })
      .then(function () {
        window.setTimeout(check, INTERVAL_MS);
      });
  }

  window.setTimeout(check, INTERVAL_MS);
})();
