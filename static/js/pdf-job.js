/* The progress page of a large PDF (templates/pdf/job.html).
   Without JavaScript the visitor chooses "Check again". With it, the page asks the server
   every few seconds and, when the job moves on, replaces the status and the actions in
   place: the page never reloads, and screen readers announce the new status politely
   (role="status"). Nothing else on the page depends on this file. */
(function () {
  "use strict";

  var INTERVAL_MS = 2000;
  var GIVE_UP_MS = 15 * 60 * 1000;
  var status = document.getElementById("pdf-job-status");
  var actions = document.getElementById("pdf-job-actions");
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
    var next = page.getElementById("pdf-job-status");
    var nextActions = page.getElementById("pdf-job-actions");
    if (!next || !nextActions) {
      return;
    }
    var state = next.getAttribute("data-state");
    if (state !== status.getAttribute("data-state")) {
      status.setAttribute("data-state", state);
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
        // A job of content that has changed since leads to the current one.
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
