/* Live counter on a petition page.
 *
 * Every element with data-count-url="…/count.json" is refreshed every 15 seconds from that URL:
 * inside it, [data-count="total|organisations|countries|goal|percent"] get the new numbers and
 * <progress data-count="progress"> its value. Polling pauses while the tab is hidden and slows
 * down after errors; `window.dispatchEvent(new Event("chorus:refresh-count"))` polls at once.
 * The JSON is {"total", "organisations", "countries", "goal"}.
 */
(function () {
  "use strict";

  var INTERVAL = 15000;
  var MAX_BACKOFF = 8;

  if (!window.fetch) {
    return;
  }

  var formatter;
  try {
    formatter = new Intl.NumberFormat(document.documentElement.lang || undefined);
  } catch (error) {
    formatter = { format: String };
  }

  function setText(root, name, value) {
    root.querySelectorAll('[data-count="' + name + '"]').forEach(function (element) {
      var text = formatter.format(value);
      if (element.textContent !== text) {
        element.textContent = text;
      }
    });
  }

  function isCount(value) {
    return typeof value === "number" && isFinite(value) && value >= 0;
  }

  function update(root, data) {
    if (!data || !isCount(data.total)) {
      return;
    }
    ["total", "organisations", "countries", "goal"].forEach(function (name) {
      if (isCount(data[name])) {
        setText(root, name, data[name]);
      }
    });
    if (isCount(data.goal)) {
      var percent = data.goal ? Math.min(100, Math.floor((data.total * 100) / data.goal)) : 100;
      setText(root, "percent", percent);
      root.querySelectorAll('progress[data-count="progress"]').forEach(function (bar) {
        if (data.goal) {
          bar.max = data.goal;
        }
        bar.value = Math.min(data.total, bar.max);
      });
    }
  }

  function watch(root) {
    var url = root.getAttribute("data-count-url");
    var failures = 0;
    var timer = null;

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(poll, INTERVAL * Math.min(MAX_BACKOFF, Math.pow(2, failures)));
    }

    function poll() {
      clearTimeout(timer);
      if (document.hidden) {
        schedule();
        return;
      }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          update(root, data);
        })
        .catch(function () {
          failures += 1;
        })
        .then(schedule);
    }

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && failures === 0) {
        poll();
      }
    });
    // Other scripts (and tests) may ask for a refresh now, e.g. right after a signature.
    window.addEventListener("chorus:refresh-count", poll);
    schedule();
  }

  document.querySelectorAll("[data-count-url]").forEach(watch);
})();
