/* Scan page (templates/equipment/scan.html): progressive enhancement, the page works without it.
 * - In batch mode, each scan is sent in the background and only the batch is redrawn, so that a fast
 *   barcode scanner never types into a page that is reloading. Scans are sent one at a time, in order.
 * - Where the browser has the BarcodeDetector API, a camera button scans too.
 */
(function () {
  "use strict";

  var form = document.getElementById("scan-form");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[name=tag]");
  var feedback = document.getElementById("scan-feedback");
  var list = document.getElementById("scan-list");
  var queue = Promise.resolve();

  function mode() {
    var checked = form.querySelector("input[name=mode]:checked");
    return checked ? checked.value : "open";
  }

  function beep(level) {
    // A low tone for a problem: the technician looks at the item, not at the screen.
    if (level !== "danger" && level !== "warning") {
      return;
    }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return;
    }
    try {
      var context = new Context();
      var oscillator = context.createOscillator();
      oscillator.frequency.value = level === "danger" ? 220 : 440;
      oscillator.connect(context.destination);
      oscillator.start();
      oscillator.stop(context.currentTime + 0.15);
    } catch (error) {
      /* no sound available: the message on screen is enough */
    }
  }

  function redraw(html) {
    var fragment = document.createElement("template");
    fragment.innerHTML = html;
    var newFeedback = fragment.content.getElementById("scan-feedback");
    var newList = fragment.content.getElementById("scan-list");
    if (newFeedback) {
      feedback.innerHTML = newFeedback.innerHTML;
      var message = feedback.querySelector("[data-level]");
      beep(message ? message.getAttribute("data-level") : "");
    }
    if (newList) {
      list.innerHTML = newList.innerHTML;
    }
  }

  function send(target, data) {
    // getAttribute: the forms hold an input named "action", which shadows the form.action property.
    return fetch(target.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Filiere-Partial": "scan-batch" },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    }).then(redraw);
  }

  function failed() {
    feedback.innerHTML = '<p class="alert alert-danger mb-3" data-level="danger">' +
      "La connexion au serveur a échoué : rechargez la page, puis scannez à nouveau le dernier matériel.</p>";
    beep("danger");
  }

  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("form[data-partial=scan]")) {
      return;
    }
    if (target === form && mode() !== "batch") {
      return; // "open" mode: the ordinary submit opens the item page
    }
    event.preventDefault();
    var data = new FormData(target);
    if (target === form) {
      input.value = "";
    }
    input.focus();
    queue = queue.then(function () { return send(target, data); }).catch(failed);
  });

  // Camera scanning, only where the browser can decode barcodes itself.
  var button = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  if (!button || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  var stream = null;
  var lastValue = "";
  var lastAt = 0;

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    stream = null;
    video.hidden = true;
    button.setAttribute("aria-pressed", "false");
    button.textContent = "Scanner avec la caméra";
  }

  function detectLoop(detector) {
    if (!stream) {
      return;
    }
    detector.detect(video).then(function (codes) {
      var now = Date.now();
      if (codes.length && (codes[0].rawValue !== lastValue || now - lastAt > 2500)) {
        lastValue = codes[0].rawValue;
        lastAt = now;
        input.value = lastValue;
        if (mode() !== "batch") {
          stop();
        }
        form.requestSubmit();
      }
    }).catch(function () { /* a frame that cannot be read: try the next one */ }).then(function () {
      window.setTimeout(function () { detectLoop(detector); }, 250);
    });
  }

  button.addEventListener("click", function () {
    if (stream) {
      stop();
      return;
    }
    var detector = null;
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      var wanted = ["qr_code", "code_128", "code_39"].filter(function (format) { return formats.indexOf(format) >= 0; });
      detector = new window.BarcodeDetector(wanted.length ? { formats: wanted } : undefined);
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      button.setAttribute("aria-pressed", "true");
      button.textContent = "Arrêter la caméra";
      return video.play();
    }).then(function () { detectLoop(detector); }).catch(function () {
      stop();
      feedback.innerHTML = '<p class="alert alert-danger mb-3" data-level="danger">' +
        "La caméra n'est pas accessible : autorisez-la dans le navigateur, ou utilisez le scanner.</p>";
    });
  });
}());
