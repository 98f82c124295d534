// While the site is under attack, the sign form asks the server for a challenge
// "salt.expires.bits.signature" (petition/protection.py): fetched, never part of the page,
// because a page kept by a shared cache would hand one single-use challenge to everyone. Find a number n such that sha256(salt + n) starts with `bits` zero
// bits, while the signer fills in the form, and put it in the hidden proof_solution field.
// If the signer presses the button first, the form is sent as soon as the answer is found.
(function () {
  "use strict";
  var box = document.querySelector("[data-proof-of-work]");
  if (!box) {
    return;
  }
  var form = box.closest("form");
  var challengeInput = form.querySelector("input[name=proof_challenge]");
  var solutionInput = form.querySelector("input[name=proof_solution]");
  var statusLine = box.querySelector("[data-proof-of-work-status]");
  var salt = "";
  var bits = 0;
  var BATCH = 512;
  var solved = false;
  var submitWaiting = false;
  var encoder = new TextEncoder();

  function say(text) {
    if (statusLine) {
      statusLine.textContent = text || "";
    }
  }

  function leadingZeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) {
        count += 8;
        continue;
      }
      var byte = bytes[i];
      while ((byte & 0x80) === 0) {
        count += 1;
        byte <<= 1;
      }
      return count;
    }
    return count;
  }

  function tryBatch(start) {
    var digests = [];
    for (var n = start; n < start + BATCH; n++) {
      digests.push(crypto.subtle.digest("SHA-256", encoder.encode(salt + n)));
    }
    return Promise.all(digests).then(function (results) {
      for (var i = 0; i < results.length; i++) {
        if (leadingZeroBits(new Uint8Array(results[i])) >= bits) {
          return start + i;
        }
      }
      return tryBatch(start + BATCH);
    });
  }

  form.addEventListener("submit", function (event) {
    if (!solved) {
      event.preventDefault();
      submitWaiting = true;
      say(box.getAttribute("data-working"));
    }
  });

  if (!window.crypto || !crypto.subtle || !window.TextEncoder) {
    // Without WebCrypto (very old browsers, or a page not served over HTTPS) the form is
    // sent without an answer, and the server explains what went wrong.
    solved = true;
    say(box.getAttribute("data-unsupported"));
    return;
  }

  function fetchChallenge() {
    if (challengeInput.value) {
      return Promise.resolve(challengeInput.value);
    }
    var url = box.getAttribute("data-challenge-url");
    return fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("challenge " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        challengeInput.value = data.challenge;
        return data.challenge;
      });
  }

  fetchChallenge()
    .then(function (challenge) {
      var parts = challenge.split(".");
      salt = parts[0];
      bits = parseInt(parts[2], 10);
      return tryBatch(0);
    })
    .then(
      function (n) {
        solutionInput.value = String(n);
        solved = true;
        if (submitWaiting) {
          say(box.getAttribute("data-done"));
          if (form.requestSubmit) {
            form.requestSubmit();
          } else {
            form.submit();
          }
        }
      },
      function () {
        solved = true;
        say(box.getAttribute("data-unsupported"));
      }
    );
})();
